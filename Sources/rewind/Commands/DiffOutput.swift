import JSON
import SafeText

/// How `state --diff` and `project diff` print a structural diff (`JSONValue.diff`, the one
/// implementation the dashboard's "what changed" marks use too): lines of text through
/// SafeText, or one JSON object.
enum DiffOutput {
    /// See `JSONChange.report`.
    static func json(_ changes: [JSONChange]) -> JSONValue {
        JSONChange.report(changes)
    }

    /// One line per change (`+ path: new`, `- path: old`, `~ path: old → new`, values
    /// shortened to 60 columns), the first 200, or a line saying there is no difference.
    static func lines(_ changes: [JSONChange], old: String, new: String) -> [String] {
        guard !changes.isEmpty else { return ["(no differences)"] }
        return AnnotatedJSON.describe(changes, old: SafeText.escape(old), new: SafeText.escape(new)).map { SafeText.escape($0) }
    }

    /// "3 changes: 1 added, 1 removed, 1 changed".
    static func summary(_ changes: [JSONChange]) -> String {
        let added = changes.filter { $0.kind == .added }.count
        let removed = changes.filter { $0.kind == .removed }.count
        let changed = changes.count - added - removed
        return "\(changes.count) change\(changes.count == 1 ? "" : "s"): \(added) added, \(removed) removed, \(changed) changed"
    }
}
