/// A parsed TOML value, with every table's members in the order the file writes them.
///
/// The readers of `rewind.toml` and of theme files work on this tree rather than on TOMLKit's
/// types: members come in file order (so the first mistake is the one reported) and the
/// library stays behind `TOMLDocument`, the one place that calls it.
public enum TOMLNode: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// A date, time or date-time, as TOMLKit prints it (Rewind's files have none).
    case dateTime(String)
    case array([TOMLNode])
    case table(Table)

    /// A table's members, in file order.
    public struct Table: Sendable, Equatable {
        public var members: [(key: String, value: TOMLNode)]

        public init(members: [(key: String, value: TOMLNode)] = []) { self.members = members }

        public subscript(key: String) -> TOMLNode? { members.first { $0.key == key }?.value }

        public static func == (a: Table, b: Table) -> Bool {
            a.members.count == b.members.count && zip(a.members, b.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        }
    }

    /// What kind of value this is, for messages ("expected a string, found an integer").
    public enum Kind: String, Sendable {
        case string, integer, float, boolean, dateTime = "date", array, table
    }

    public var kind: Kind {
        switch self {
        case .string: return .string
        case .integer: return .integer
        case .float: return .float
        case .boolean: return .boolean
        case .dateTime: return .dateTime
        case .array: return .array
        case .table: return .table
        }
    }

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var int: Int? { if case .integer(let n) = self { return n } else { return nil } }
    public var double: Double? { if case .float(let d) = self { return d } else { return nil } }
    public var bool: Bool? { if case .boolean(let b) = self { return b } else { return nil } }
    public var array: [TOMLNode]? { if case .array(let a) = self { return a } else { return nil } }
    public var table: Table? { if case .table(let t) = self { return t } else { return nil } }

    /// The value as a message names it: "the integer 3", "a table".
    public var described: String {
        switch self {
        case .string(let s): return "the string \"\(s)\""
        case .integer(let n): return "the integer \(n)"
        case .float(let d): return "the number \(d)"
        case .boolean(let b): return "the boolean \(b)"
        case .dateTime(let d): return "the date \(d)"
        case .array: return "an array"
        case .table: return "a table"
        }
    }
}
