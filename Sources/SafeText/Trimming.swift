extension StringProtocol {
    /// Without leading and trailing white space (spaces, tabs, line breaks): the one trim
    /// every layer uses, so "what counts as blank" is decided once.
    public func trimmed() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
