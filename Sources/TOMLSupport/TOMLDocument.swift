import SafeText
import TOMLKit

/// A TOML file read safely: checked by `TOMLSyntaxCheck` before TOMLKit parses it (so no input
/// can reach one of toml++'s assertions), then turned into `TOMLNode`s whose tables keep the
/// file's order, with the line of every key.
///
/// The one way Rewind reads TOML: `rewind.toml` (Replay) and themes (TerminalUI) both use it,
/// and both report mistakes as `TOMLFileError`s made by `error(_:_:_:fix:)` and
/// `unknownKey(_:at:known:problem:fix:)`.
public struct TOMLDocument: Sendable {
    /// The file as the user named it; every error names it.
    public let file: String
    /// The top-level table.
    public let root: TOMLNode.Table
    /// Where each key is written.
    public let keys: TOMLKeyIndex

    /// Parses `bytes` (any bytes: not UTF-8, binary, hostile).
    /// - Parameter syntaxFix: what to suggest for a syntax error on a line (1-based) of the text.
    /// - Throws: `TOMLFileError` of kind `.syntax` (or `.unreadable` for text that is not UTF-8),
    ///   with the line and column.
    public init(bytes: [UInt8], file: String, syntaxFix: (_ text: String, _ line: Int) -> String? = { _, _ in nil }) throws(TOMLFileError) {
        let keys: TOMLKeyIndex
        do {
            keys = try TOMLSyntaxCheck.check(bytes)
        } catch {
            let notUTF8 = UTF8Check.firstProblem(in: bytes) != nil
            let text = String(decoding: bytes, as: UTF8.self)
            throw TOMLFileError(kind: notUTF8 ? .unreadable : .syntax, file: file, line: error.line, column: error.column,
                                problem: notUTF8 ? error.problem : "this is not valid TOML: " + error.problem,
                                fix: notUTF8 ? error.fix : syntaxFix(text, error.line) ?? error.fix)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let begin = error.source.begin
            throw TOMLFileError(kind: .syntax, file: file, line: begin.line > 0 ? begin.line : nil, column: begin.column > 0 ? begin.column : nil,
                                problem: "this is not valid TOML: \(error.description)", fix: syntaxFix(text, begin.line))
        } catch {
            throw TOMLFileError(kind: .syntax, file: file, problem: "this is not valid TOML: \(error)", fix: syntaxFix(text, 0))
        }
        self.file = file
        self.keys = keys
        do {
            self.root = try Self.convert(table, at: [], keys: keys)
        } catch {
            let shown = TOMLKeyPath.display(error.path)
            throw TOMLFileError(kind: .syntax, file: file, keyPath: shown, line: keys.line(of: error.path),
                                problem: "a key under \(shown) holds a NUL character (\\u0000), which Rewind cannot read",
                                fix: "remove the \\u0000 escape from the key's name")
        }
    }

    /// Parses `text`; see `init(bytes:file:syntaxFix:)`.
    public init(text: String, file: String, syntaxFix: (_ text: String, _ line: Int) -> String? = { _, _ in nil }) throws(TOMLFileError) {
        try self.init(bytes: Array(text.utf8), file: file, syntaxFix: syntaxFix)
    }

    // MARK: Errors

    /// An error about the key at `path` (the line is found from the path).
    public func error(_ kind: TOMLFileError.Kind, _ path: [String], _ problem: String, fix: String?) -> TOMLFileError {
        TOMLFileError(kind: kind, file: file, keyPath: path.isEmpty ? nil : TOMLKeyPath.display(path),
                      line: path.isEmpty ? nil : keys.line(of: path), problem: problem, fix: fix)
    }

    /// An unknown key at `parent + [key]`: "did you mean …?" (from `known`) then `fix`.
    public func unknownKey(_ key: String, at parent: [String], known: [String], kind: TOMLFileError.Kind = .unknownKey,
                           problem: String, fix: String, suggestionFormat: (String) -> String = { $0 }) -> TOMLFileError {
        let guess = NameSuggestion.closest(to: key, in: known).map { "did you mean \(suggestionFormat($0))? " } ?? ""
        return error(kind, parent + [key], problem, fix: guess + fix)
    }

    // MARK: Conversion

    /// A key with an escaped NUL (`"a\u0000b"`): TOMLKit hands keys over as C strings, cut at
    /// the NUL, so such a key cannot be looked up (its iterator force-unwraps the lookup and
    /// traps) or is taken for another key. Found by the `config` fuzz target.
    struct NULInKey: Error {
        var path: [String]
    }

    static func convert(_ table: TOMLTable, at path: [String], keys: TOMLKeyIndex) throws(NULInKey) -> TOMLNode.Table {
        var byKey: [String: TOMLValueConvertible] = [:]
        var names: [String] = []
        // Not `for (key, value) in table`: TOMLKit's iterator force-unwraps the lookup.
        for key in table.keys {
            guard byKey[key] == nil, let value = table[key] else { throw NULInKey(path: path + [key]) }
            byKey[key] = value
            names.append(key)
        }
        var out = TOMLNode.Table()
        for key in keys.ordered(names, under: path) {
            guard let value = byKey[key] else { continue }
            out.members.append((key, try convert(value, at: path + [key], keys: keys)))
        }
        return out
    }

    static func convert(_ value: TOMLValueConvertible, at path: [String], keys: TOMLKeyIndex) throws(NULInKey) -> TOMLNode {
        switch value.type {
        case .string: return .string(value.string ?? "")
        case .int: return .integer(value.int ?? 0)
        case .double: return .float(value.double ?? 0)
        case .bool: return .boolean(value.bool ?? false)
        case .array:
            var elements: [TOMLNode] = []
            if let array = value.array {
                for element in array { elements.append(try convert(element, at: path, keys: keys)) }
            }
            return .array(elements)
        case .table:
            guard let table = value.table else { return .table(TOMLNode.Table()) }
            return .table(try convert(table, at: path, keys: keys))
        default:
            return .dateTime(value.debugDescription)
        }
    }
}
