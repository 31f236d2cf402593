import Replay
import JSON

/// A JSON value laid out as the rows of a collapsible tree.
public struct TreeRow: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case open(Character, count: Int), close(Character), scalar }  // layers: allow close (an enum case, not the call)
    public var path: JSONPath
    public var depth: Int
    /// The member name or array index shown before the value, if any.
    public var label: String?
    public var kind: Kind
    /// For scalars: the printed value; for collapsed containers: a summary like `{…} 3 keys`.
    public var text: String
    public var collapsed: Bool
    public var isContainer: Bool { if case .open = kind { return true }; return false }
}

public enum StateTree {
    /// The rows of `value` with the containers at `collapsed` folded. At most `limit` rows.
    public static func rows(of value: JSONValue, collapsed: Set<JSONPath>, limit: Int = 20_000) -> [TreeRow] {
        var out: [TreeRow] = []
        walk(value, path: .root, depth: 0, label: nil, collapsed: collapsed, into: &out, limit: limit)
        return out
    }

    private static func walk(_ value: JSONValue, path: JSONPath, depth: Int, label: String?, collapsed: Set<JSONPath>, into out: inout [TreeRow], limit: Int) {
        guard out.count < limit else { return }
        switch value {
        case .object(let members):
            if collapsed.contains(path) {
                out.append(TreeRow(path: path, depth: depth, label: label, kind: .open("{", count: members.count), text: "{…} \(members.count) key\(members.count == 1 ? "" : "s")", collapsed: true))
                return
            }
            out.append(TreeRow(path: path, depth: depth, label: label, kind: .open("{", count: members.count), text: "{", collapsed: false))
            for (k, v) in members { walk(v, path: path.appending(.key(k)), depth: depth + 1, label: k, collapsed: collapsed, into: &out, limit: limit) }
            out.append(TreeRow(path: path, depth: depth, label: nil, kind: .close("}"), text: "}", collapsed: false))
        case .array(let items):
            if collapsed.contains(path) {
                out.append(TreeRow(path: path, depth: depth, label: label, kind: .open("[", count: items.count), text: "[…] \(items.count) item\(items.count == 1 ? "" : "s")", collapsed: true))
                return
            }
            out.append(TreeRow(path: path, depth: depth, label: label, kind: .open("[", count: items.count), text: "[", collapsed: false))
            for (i, v) in items.enumerated() { walk(v, path: path.appending(.index(i)), depth: depth + 1, label: "\(i)", collapsed: collapsed, into: &out, limit: limit) }
            out.append(TreeRow(path: path, depth: depth, label: nil, kind: .close("]"), text: "]", collapsed: false))
        default:
            out.append(TreeRow(path: path, depth: depth, label: label, kind: .scalar, text: value.serialized(), collapsed: false))
        }
    }

    /// Whether `path` or one of its descendants is in `changed`.
    public static func touches(_ path: JSONPath, _ changed: Set<JSONPath>) -> Bool {
        if changed.contains(path) { return true }
        let n = path.components.count
        return changed.contains { $0.components.count > n && Array($0.components.prefix(n)) == path.components }
    }
}
