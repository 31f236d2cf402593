/// Finds what a `rewind find` predicate surely requires of an event, so that events which
/// cannot match are skipped on their stored bytes, before jq builds its input.
///
/// Conservative by construction: it understands a small part of jq — `and`/`or` chains,
/// parentheses, `select(…)`, `PATH == "literal"` (either side) and `PATH | test/contains/
/// startswith/endswith("literal")` on `.type`, `.stream`, `.data…` and `.metadata…` — and
/// requires nothing of whatever else it meets. Pipes, commas, `//`, `if`, `reduce`, `def`,
/// `try`, `as`, `not` and the like end the analysis of the level they are on.
///
/// Why it is sound: jq's `A and B` has a truthy output only when A and B both do, `A or B` when
/// one does; `select(E)` outputs the event (truthy) only when E is truthy; `.type == "X"` is
/// true only for the type X. A string equal to (or containing) a literal is stored in JSON data
/// either verbatim or with an escape, and an escape needs a backslash in the bytes.
public enum PredicateAnalysis {
    /// The requirement of `predicate`, and whether it decides the predicate alone.
    public struct Result: Sendable, Equatable {
        public var requirement: FindRequirement
        /// True when the requirement holds exactly when the predicate does (jq need not run).
        public var exact: Bool
    }

    public static func analyse(_ predicate: String) -> Result {
        guard let tokens = PredicateToken.tokenize(predicate), !tokens.isEmpty else {
            return Result(requirement: .anything, exact: false)
        }
        let r = level(tokens[...])
        return Result(requirement: simplify(r.requirement), exact: r.exact && !r.requirement.isAnything)
    }

    private typealias Tokens = ArraySlice<PredicateToken>

    /// Operators at depth 0 that bind looser than `or`: the level is not an and/or of atoms.
    private static let breakers: Set<String> = [
        "|", ",", "//", "?//", "=", "|=", "+=", "-=", "*=", "/=", "%=", "//=", "?//=", ";", ":",
    ]

    /// Words that start constructs in which `and`/`or` do not split the level.
    private static let stoppers: Set<String> = [
        "if", "then", "elif", "else", "end", "reduce", "foreach", "try", "catch", "label", "def", "as",
        "import", "include", "__loc__",
    ]

    /// One level: `or`-separated disjuncts of `and`-separated atoms, when nothing at depth 0
    /// has a lower precedence than `or`.
    private static func level(_ tokens: Tokens) -> Result {
        guard !tokens.isEmpty else { return Result(requirement: .anything, exact: false) }
        if let piped = pipedAtom(tokens) { return piped }
        guard let disjuncts = PredicateToken.andOrLevel(tokens, breakers: breakers, stoppers: stoppers) else {
            return Result(requirement: .anything, exact: false)
        }
        var anyOf: [FindRequirement] = []
        var exact = true
        for conjunction in disjuncts {
            var allOf: [FindRequirement] = []
            for atomTokens in conjunction {
                let r = atom(atomTokens)
                exact = exact && r.exact
                allOf.append(r.requirement)
            }
            anyOf.append(.all(allOf))
        }
        return Result(requirement: .any(anyOf), exact: exact)
    }

    private static func atom(_ t: Tokens) -> Result {
        let a = Array(t)
        let unknown = Result(requirement: .anything, exact: false)
        guard !a.isEmpty else { return unknown }
        // ( E ) and select( E ), when the parentheses enclose the whole atom.
        if a.first == .punct("("), PredicateToken.closing(a, from: 0) == a.count - 1 {
            return level(t.dropFirst().dropLast())
        }
        if a.count >= 3, a[0] == .identifier("select"), a[1] == .punct("("), PredicateToken.closing(a, from: 1) == a.count - 1 {
            return level(Array(a[2..<(a.count - 1)])[...])
        }
        // PATH == "literal", or "literal" == PATH.
        if let eq = a.firstIndex(of: .punct("==")), a.filter({ $0 == .punct("==") }).count == 1 {
            let lhs = Array(a[..<eq]), rhs = Array(a[(eq + 1)...])
            if let r = equality(path: lhs, literal: rhs) ?? equality(path: rhs, literal: lhs) { return r }
        }
        return unknown
    }

    /// `PATH | test("lit")` and its kin, as a whole level.
    private static func pipedAtom(_ t: Tokens) -> Result? {
        let a = Array(t)
        guard let bar = a.firstIndex(of: .punct("|")), bar > 0 else { return nil }
        guard let target = target(Array(a[..<bar])) else { return nil }
        let call = Array(a[(bar + 1)...])
        guard call.count == 4, case .identifier(let name) = call[0], call[1] == .punct("("),
              case .string(let text?) = call[2], call[3] == .punct(")") else { return nil }
        switch name {
        case "contains", "startswith", "endswith": break
        case "test":
            guard isPlainRegex(text) else { return nil }
        default: return nil
        }
        guard let literal = usable(text) else { return nil }
        let requirement: FindRequirement = switch target {
        case .type: .typeContains(literal)
        case .stream: .streamContains(literal)
        case .data: .dataContains(literal)
        case .metadata: .metadataContains(literal)
        }
        return Result(requirement: requirement, exact: false)
    }

    private enum Target { case type, stream, data, metadata }

    /// `.type`, `.stream`, or `.data`/`.metadata` followed by field names.
    private static func target(_ path: [PredicateToken]) -> Target? {
        guard let first = path.first, case .field(let name) = first else { return nil }
        for t in path.dropFirst() { guard case .field = t else { return nil } }
        switch name {
        case "type" where path.count == 1: return .type
        case "stream" where path.count == 1: return .stream
        case "data": return .data
        case "metadata": return .metadata
        default: return nil
        }
    }

    private static func equality(path: [PredicateToken], literal: [PredicateToken]) -> Result? {
        guard let target = target(path), literal.count == 1, case .string(let text?) = literal[0],
              let bytes = usable(text) else { return nil }
        switch target {
        case .type: return Result(requirement: .typeIs([bytes]), exact: true)
        case .stream: return Result(requirement: .streamIs([text]), exact: true)
        case .data: return Result(requirement: .dataContains(bytes), exact: false)
        case .metadata: return Result(requirement: .metadataContains(bytes), exact: false)
        }
    }

    /// The literal's bytes, unless it is empty or holds U+FFFD (what jq makes of bytes that are
    /// not UTF-8, which therefore need not appear in the raw bytes).
    private static func usable(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, !text.unicodeScalars.contains("\u{FFFD}") else { return nil }
        return Array(text.utf8)
    }

    /// A regex with no metacharacters matches its own text, and nothing else.
    private static func isPlainRegex(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { c in
            if c.isASCII { return c.properties.isAlphabetic || ("0"..."9").contains(c) || " -_:@/,'".unicodeScalars.contains(c) }
            return c.properties.isAlphabetic
        }
    }

    /// Flattens and drops what requires nothing: `all` without knowledge is `anything`, `any`
    /// with one unknown branch is `anything`; equal type/stream sets merge.
    static func simplify(_ r: FindRequirement) -> FindRequirement {
        switch r {
        case .all(let parts):
            var kept: [FindRequirement] = []
            for p in parts.map(simplify) {
                if case .all(let inner) = p { kept += inner } else if p != .anything { kept.append(p) }
            }
            if kept.isEmpty { return .anything }
            return kept.count == 1 ? kept[0] : .all(kept)
        case .any(let parts):
            var kept: [FindRequirement] = []
            for p in parts.map(simplify) {
                if p == .anything { return .anything }
                if case .any(let inner) = p { kept += inner } else { kept.append(p) }
            }
            if kept.isEmpty { return .anything }
            if kept.allSatisfy({ if case .typeIs = $0 { true } else { false } }) {
                var types: [[UInt8]] = []
                for k in kept { if case .typeIs(let t) = k { types += t } }
                return .typeIs(types)
            }
            return kept.count == 1 ? kept[0] : .any(kept)
        default: return r
        }
    }
}
