import EventLog
import JSON
import Platform

/// The checkpoint of a program outside Rewind that consumes the log, as it reported it in
/// `LOG/checkpoints/NAME.json`: `{"position": P, "updatedAt": "<RFC 3339>"}`.
public struct ExternalCheckpoint: Sendable, Equatable {
    /// The file name without `.json`.
    public var name: String
    public var path: String
    /// The last position the program dealt with; nil when the file is malformed.
    public var position: UInt64?
    /// When the program wrote it; nil when missing.
    public var updatedAtMicros: Int64?
    /// What is wrong with the file, as a sentence that says what to do; nil when it is fine.
    public var problem: String?

    public init(name: String, path: String, position: UInt64?, updatedAtMicros: Int64?, problem: String?) {
        self.name = name
        self.path = path
        self.position = position
        self.updatedAtMicros = updatedAtMicros
        self.problem = problem
    }
}

/// Reading (and, for programs and tests, writing) `LOG/checkpoints/*.json`.
///
/// A malformed file is reported in its `problem`, never thrown: one bad consumer must not hide
/// the others. Files not ending in `.json` (an atomic writer's temp files) are ignored.
public enum ExternalCheckpoints {
    public static let directoryName = "checkpoints"
    static let expected = "expected {\"position\": N, \"updatedAt\": \"<RFC 3339>\"}"

    public static func directory(logPath: String) -> String { logPath + "/" + directoryName }

    /// Every checkpoint file of the log, sorted by name (none when the directory is missing).
    public static func read(logPath: String) -> [ExternalCheckpoint] {
        let dir = directory(logPath: logPath)
        guard FileSystem.isDirectory(dir), let entries = try? FileSystem.list(dir) else { return [] }
        return entries.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { entry in
            let name = String(entry.dropLast(5))
            let path = dir + "/" + entry
            do {
                return parse(try FileSystem.readFile(path), name: name, path: path)
            } catch {
                // A FIFO, device or link to one is refused unopened, with its own sentence.
                let problem = (error as? IOError)?.explanation ?? "\(path) cannot be read (\(error)); check its permissions"
                return ExternalCheckpoint(name: name, path: path, position: nil, updatedAtMicros: nil, problem: problem)
            }
        }
    }

    /// Reads one file's bytes.
    public static func parse(_ bytes: [UInt8], name: String, path: String) -> ExternalCheckpoint {
        func bad(_ why: String) -> ExternalCheckpoint {
            ExternalCheckpoint(name: name, path: path, position: nil, updatedAtMicros: nil,
                               problem: "\(path) is malformed: \(why); \(expected), written atomically (temp file + rename)")
        }
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch {
            return bad(bytes.isEmpty ? "it is empty" : "not valid JSON (\(error))")
        }
        guard case .object = value else { return bad("not a JSON object") }
        guard let p = value["position"] else { return bad("no \"position\"") }
        guard let n = p.int64Value, n >= 0 else { return bad("\"position\" is \(kind(of: p)), not a whole number ≥ 0") }
        var updatedAt: Int64?
        if let u = value["updatedAt"], !u.isNull {
            guard let text = u.stringValue, let micros = RFC3339.parse(text) ?? RFC3339.parseFlexible(text) else {
                return bad("\"updatedAt\" is \(kind(of: u)) that is not an RFC 3339 time such as \"2026-01-15T10:00:00Z\"")
            }
            updatedAt = micros
        }
        return ExternalCheckpoint(name: name, path: path, position: UInt64(n), updatedAtMicros: updatedAt, problem: nil)
    }

    /// What a value is, without its contents: a file that is not a checkpoint is described,
    /// never echoed (it may be large, binary or hostile).
    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer(let n): return n < 0 ? "a negative number" : "a whole number"
        case .double: return "a number with a fraction"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Writes `LOG/checkpoints/NAME.json` atomically, as an external consumer should.
    public static func write(name: String, position: UInt64, updatedAtMicros: Int64, logPath: String) throws {
        let jail = FileJail(root: logPath)
        try jail.makeDirectory(directoryName)
        let value: JSONValue = [
            "position": .integer(Int64(clamping: position)),
            "updatedAt": .string(RFC3339.format(microsecondsSinceEpoch: updatedAtMicros, fractionDigits: 3)),
        ]
        try jail.writeAtomically(value.serializedBytes() + [10], to: directoryName + "/" + name + ".json")
    }
}
