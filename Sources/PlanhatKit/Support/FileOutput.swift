import Foundation

#if canImport(Glibc)
    import Glibc

    /// open(2), from the C library this platform has.
    private let systemOpen: @Sendable (UnsafePointer<CChar>, Int32, mode_t) -> Int32 = { Glibc.open($0, $1, $2) }
#elseif canImport(Darwin)
    import Darwin

    private let systemOpen: @Sendable (UnsafePointer<CChar>, Int32, mode_t) -> Int32 = { Darwin.open($0, $1, $2) }
#endif

/// Opening files for writing without replacing them.
public enum FileOutput {
    /// A handle that writes into `path` from its start: a new or truncated file, a symlink's target,
    /// `/dev/null` or a pipe. (FileManager.createFile and atomic writes would replace the path with a
    /// new regular file, destroying links and device files.)
    ///
    /// - Throws: ``PlanhatError`` (400) naming the path and the system's reason.
    public static func open(_ path: String) throws -> FileHandle {
        let descriptor = systemOpen(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw PlanhatError.file("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// A handle on a file created at `path`, readable by its owner only (mode 0600 by default). It
    /// never opens an existing path or follows a link there (`O_EXCL`).
    ///
    /// - Throws: ``PlanhatError`` (500) naming the path and the system's reason.
    public static func createNew(_ path: String, mode: mode_t = 0o600) throws -> FileHandle {
        let descriptor = systemOpen(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else {
            throw PlanhatError.file("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }
}

/// Paths as people type them.
public enum UserPath {
    /// `~/exports/a.csv` → `<home>/exports/a.csv`, home from `$HOME` (see ``UserDirectories``);
    /// any other path as it is.
    public static func expand(_ path: String, directories: UserDirectories = UserDirectories()) -> String {
        directories.expand(path)
    }
}
