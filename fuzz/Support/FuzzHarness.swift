import Foundation

/// What every fuzz harness shares: starting libFuzzer (built with `-DFUZZING`) and replaying saved
/// inputs (a normal build, run by `make test` over the corpus).
public enum FuzzHarness {
    /// The input callback libFuzzer calls: bytes and their count.
    public typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

    #if FUZZING
    /// Starts libFuzzer's driver with the program's arguments.
    public static func run(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ callback: Callback) -> Int32 {
        var count = argc
        var arguments = argv
        return runFuzzerDriver(&count, &arguments, callback)
    }
    #endif

    /// The bytes libFuzzer passes, as an array.
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    }

    /// Runs every file named on the command line through `check`; a broken rule stops the process.
    public static func replay(_ check: ([UInt8]) -> Void) {
        let files = CommandLine.arguments.dropFirst()
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                exit(2)
            }
            check(Array(data))
        }
        print("replayed \(files.count) input\(files.count == 1 ? "" : "s"): no rule broken")
    }
}

#if FUZZING
/// libFuzzer's driver (LLVM 11+); present only when the harness is linked with `-sanitize=fuzzer`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzHarness.Callback
) -> Int32
#endif
