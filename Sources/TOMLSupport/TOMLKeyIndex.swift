/// Where each key of a TOML document is written: its first line and its order of appearance.
///
/// toml++ keeps tables sorted by key and does not say where a key came from, but Rewind needs
/// both: `rewind.toml`'s handlers and aggregates keep the order they were written in (the first
/// aggregate whose glob matches wins), and every error points at a line. `TOMLSyntaxCheck`
/// fills it while it reads the text: table headers (`[a.b]` defines `a` and `a.b`), keys
/// (`x.y = 1` under `[a]` defines `a.x` and `a.x.y`) and the keys of inline tables. Keys of
/// inline tables inside arrays are not recorded (neither file format has arrays of tables).
public struct TOMLKeyIndex: Sendable {
    private var lines: [[String]: Int] = [:]
    private var order: [[String]: Int] = [:]

    init() {}

    /// The 1-based line where `path` is first defined, or nil when it is not written.
    public func line(of path: [String]) -> Int? { lines[path] }

    /// `keys` (the members of the table at `path`) in the order the document writes them;
    /// keys not seen keep their relative order, after the others.
    public func ordered(_ keys: [String], under path: [String]) -> [String] {
        let indexed = keys.enumerated().map { (offset, key) in (order[path + [key]] ?? Int.max, offset, key) }
        return indexed.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { $0.2 }
    }

    /// Records `path` and its prefixes of at least `from` parts as written on `line`.
    mutating func record(_ path: [String], line: Int, from: Int) {
        guard from <= path.count else { return }
        for n in max(1, from)...path.count {
            let prefix = Array(path.prefix(n))
            guard order[prefix] == nil else { continue }
            order[prefix] = order.count
            lines[prefix] = line
        }
    }
}
