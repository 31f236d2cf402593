import TOMLSupport

/// `[limits]`: how far one run of a jq expression may go (see `JQLimits`, docs/SECURITY.md).
///
///     [limits]
///     handlerMillis = 1000     # time budget of one handler run, per event
///     handlerMemoryMiB = 512   # how much the process may grow during one run
extension ConfigParser {
    static let limitsKeys = ["handlerMillis", "handlerMemoryMiB"]

    func limits(_ value: TOMLNode) throws(ConfigError) -> JQLimits {
        let path = ["limits"]
        let table = try requireTable(value, at: path, fix: "write [limits] and under it handlerMillis = \(JQLimits.defaultMillis)")
        var limits = JQLimits()
        for (key, member) in table.members {
            switch key {
            case "handlerMillis":
                limits.handlerMillis = try whole(member, at: path + [key], in: JQLimits.millisRange, unit: "milliseconds",
                                                 fix: "write handlerMillis = \(JQLimits.defaultMillis) (the time one handler may take on one event)")
            case "handlerMemoryMiB":
                limits.handlerMemoryMiB = try whole(member, at: path + [key], in: JQLimits.memoryRange, unit: "MiB",
                                                    fix: "write handlerMemoryMiB = \(JQLimits.defaultMemoryMiB) (how much memory one handler run may add)")
            default:
                throw unknownKey(key, at: path, known: Self.limitsKeys, what: "[limits]", knownText: Self.limitsKeys.joined(separator: ", "))
            }
        }
        return limits
    }

    private func whole(_ member: TOMLNode, at path: [String], in range: ClosedRange<Int>, unit: String, fix: String) throws(ConfigError) -> Int {
        guard let n = member.int, range.contains(n) else {
            throw error(member.kind == .integer ? .invalidValue : .wrongType, path,
                        "expected a whole number of \(unit) from \(range.lowerBound) to \(range.upperBound), found \(describe(member))", fix: fix)
        }
        return n
    }
}
