/// The structure both predicate analyses walk (`PredicateAnalysis` for the log's cheap
/// pre-checks, `StoreFilterAnalysis` for a database's WHERE clause): one level of `or`s of
/// `and`s, and the brackets around an atom. Each analysis decides what its atoms mean; only
/// the splitting is shared, so the two cannot disagree on where an atom begins and ends.
extension PredicateToken {
    /// `tokens` split at depth 0 into `or`-separated disjuncts of `and`-separated atoms; nil
    /// when the level is not that shape: unbalanced brackets, an operator in `breakers` or a
    /// word in `stoppers` at depth 0 (something binds looser than `or`, or starts a construct
    /// inside which `and`/`or` do not split).
    static func andOrLevel(
        _ tokens: ArraySlice<PredicateToken>, breakers: Set<String>, stoppers: Set<String>
    ) -> [[ArraySlice<PredicateToken>]]? {
        var disjuncts: [[ArraySlice<PredicateToken>]] = [[]]
        var depth = 0
        var start = tokens.startIndex
        for i in tokens.indices {
            switch tokens[i] {
            case .punct("("), .punct("["), .punct("{"): depth += 1
            case .punct(")"), .punct("]"), .punct("}"):
                depth -= 1
                if depth < 0 { return nil }
            case .punct(let p) where depth == 0 && breakers.contains(p): return nil
            case .identifier(let w) where depth == 0 && stoppers.contains(w): return nil
            case .identifier("or") where depth == 0:
                disjuncts[disjuncts.count - 1].append(tokens[start..<i])
                disjuncts.append([])
                start = i + 1
            case .identifier("and") where depth == 0:
                disjuncts[disjuncts.count - 1].append(tokens[start..<i])
                start = i + 1
            default: break
            }
        }
        guard depth == 0 else { return nil }
        disjuncts[disjuncts.count - 1].append(tokens[start...])
        return disjuncts
    }

    /// The index of the bracket closing the one at `from`, or nil.
    static func closing(_ a: [PredicateToken], from: Int) -> Int? {
        var depth = 0
        for i in from..<a.count {
            switch a[i] {
            case .punct("("), .punct("["), .punct("{"): depth += 1
            case .punct(")"), .punct("]"), .punct("}"):
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
        }
        return nil
    }
}
