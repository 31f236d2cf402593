import EventLog

/// What a `rewind find` search tells a database to check itself (`StoreFilter`), found from
/// its options and from the simple parts of its predicate.
///
/// Like `PredicateAnalysis` it is conservative: the filter it returns is necessary for a match
/// (a row it refuses surely fails the search), so a store that applies it, or any part of it,
/// changes nothing in the result; jq still decides on every row that comes back. It follows
/// `and`/`or`, parentheses and `select(…)` over these atoms (either side of the operator):
/// `.type == "T"`, `.stream == "S"`, `.data.PATH == "text"|true|false`, and
/// `.data.PATH ==|<|<=|>|>= NUMBER`; anything else is unknown (true), which drops an `or`
/// branch's whole level and leaves an `and`'s other atoms.
public enum StoreFilterAnalysis {
    /// The filter for `predicate` under `options`, or nil when nothing can be said, or when
    /// `options.prefilter` is off (jq on every event: what tests compare the push-down with).
    public static func filter(predicate: String, options: FindOptions) -> StoreFilter? {
        guard options.prefilter else { return nil }
        var parts: [StoreFilter] = []
        if !options.types.isEmpty { parts.append(.typeIn(options.types)) }
        if let glob = options.streamGlob, !glob.contains(where: { "*?[\\".contains($0) }) { parts.append(.streamIn([glob])) }
        if options.sinceMicros != nil || options.untilMicros != nil {
            parts.append(.timeBetween(since: options.sinceMicros, until: options.untilMicros))
        }
        if let tokens = PredicateToken.tokenize(predicate), !tokens.isEmpty, let own = level(tokens[...]) {
            parts.append(own)
        }
        if parts.isEmpty { return nil }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    private typealias Tokens = ArraySlice<PredicateToken>

    /// Operators at depth 0 that end the analysis of a level (it is not an and/or of atoms).
    private static let breakers: Set<String> = [
        "|", ",", "//", "?//", "=", "|=", "+=", "-=", "*=", "/=", "%=", "//=", "?//=", ";", ":", "?",
    ]
    private static let stoppers: Set<String> = [
        "if", "then", "elif", "else", "end", "reduce", "foreach", "try", "catch", "label", "def", "as",
        "import", "include", "__loc__", "not",
    ]

    /// One level: `or` of `and`s of atoms; nil (true) when unknown.
    private static func level(_ tokens: Tokens) -> StoreFilter? {
        guard let disjuncts = PredicateToken.andOrLevel(tokens, breakers: breakers, stoppers: stoppers) else { return nil }
        var anyOf: [StoreFilter] = []
        for conjunction in disjuncts {
            let known = conjunction.compactMap(atom)
            // An or-branch that requires nothing makes the whole level require nothing.
            guard !known.isEmpty else { return nil }
            anyOf.append(known.count == 1 ? known[0] : .all(known))
        }
        return anyOf.count == 1 ? anyOf[0] : .any(anyOf)
    }

    private static func atom(_ t: Tokens) -> StoreFilter? {
        let a = Array(t)
        guard !a.isEmpty else { return nil }
        if a.first == .punct("("), PredicateToken.closing(a, from: 0) == a.count - 1 { return level(t.dropFirst().dropLast()) }
        if a.count >= 3, a[0] == .identifier("select"), a[1] == .punct("("), PredicateToken.closing(a, from: 1) == a.count - 1 {
            return level(Array(a[2..<(a.count - 1)])[...])
        }
        let comparisons: [String: StoreFilterComparison] = ["==": .equal, "<": .less, "<=": .lessOrEqual, ">": .greater, ">=": .greaterOrEqual]
        // Exactly one comparison; `compare` refuses sides that are not a bare path and a literal.
        let ops = a.indices.filter { i in if case .punct(let p) = a[i] { return comparisons[p] != nil } else { return false } }
        guard ops.count == 1, let at = ops.first, case .punct(let text) = a[at], let op = comparisons[text] else { return nil }
        let lhs = Array(a[..<at]), rhs = Array(a[(at + 1)...])
        if let f = compare(path: lhs, op, rhs) { return f }
        let flipped: [StoreFilterComparison: StoreFilterComparison] = [
            .equal: .equal, .less: .greater, .lessOrEqual: .greaterOrEqual, .greater: .less, .greaterOrEqual: .lessOrEqual,
        ]
        guard let back = flipped[op] else { return nil }
        return compare(path: rhs, back, lhs)
    }

    /// `PATH OP LITERAL`, or nil.
    private static func compare(path: [PredicateToken], _ op: StoreFilterComparison, _ literal: [PredicateToken]) -> StoreFilter? {
        guard let first = path.first, case .field(let root) = first else { return nil }
        var keys: [String] = []
        for t in path.dropFirst() {
            guard case .field(let k) = t else { return nil }
            keys.append(k)
        }
        switch root {
        case "type", "stream":
            guard keys.isEmpty, op == .equal, literal.count == 1, case .string(let s?) = literal[0] else { return nil }
            return root == "type" ? .typeIn([s]) : .streamIn([s])
        case "data":
            if literal.count == 1, case .string(let s?) = literal[0] {
                return op == .equal ? .dataStringEquals(path: keys, s) : nil
            }
            if literal.count == 1, case .identifier(let w) = literal[0], w == "true" || w == "false" {
                return op == .equal ? .dataBoolEquals(path: keys, w == "true") : nil
            }
            let negative = literal.count == 2 && literal[0] == .punct("-")
            guard literal.count == (negative ? 2 : 1), case .number(let text) = literal[literal.count - 1],
                  let value = Double(text), value.isFinite, value.magnitude < 1e300 else { return nil }
            return .dataCompare(path: keys, op, negative ? -value : value)
        default:
            return nil
        }
    }
}
