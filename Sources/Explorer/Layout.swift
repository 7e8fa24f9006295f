/// The geometry of lists and dialogs, in one place: the update scrolls by it and the view draws by it.
enum Layout {
    /// Rows of a page's list or scrolled text: the body less its heading and footer lines.
    static func listRows(bodyHeight: Int) -> Int { max(1, bodyHeight - 2) }

    /// Rows of the list in a picker or list-editor dialog: at most 16, within the screen.
    static func dialogListRows(screenHeight: Int) -> Int { max(1, min(screenHeight - 8, 16)) }

    /// Rows of text in the request preview (the dialog fills the screen less a line above and below,
    /// its border, and the keys line).
    static func previewRows(screenHeight: Int) -> Int { max(1, screenHeight - 5) }
}

extension ExplorerState {
    /// Rows of the page's list or scrolled text.
    var listRows: Int { Layout.listRows(bodyHeight: bodyHeight) }
}
