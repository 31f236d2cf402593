/// Takes one workload family's own options out of the command line before `BenchConfig.parse`
/// sees the rest (the replay and projection workloads are added this way).
///
/// - `numbers`: flag → (the field it sets, its smallest value); the value follows the flag.
/// - `switches`: flag → what it changes (no value).
/// - `owned`: the family's names in `--workloads`; they are removed from the list, and
///   `select` is called with the names given (nil for `all`).
/// Returns the arguments without the family's options.
enum OptionExtraction {
    static func extract<Options>(
        _ arguments: [String], into options: inout Options,
        numbers: [String: (field: WritableKeyPath<Options, Int>, min: Int)],
        switches: [String: (inout Options) -> Void] = [:],
        owned: [String], select: (inout Options, [String]?) -> Void
    ) throws -> [String] {
        var rest: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if let number = numbers[a] {
                i += 1
                guard i < arguments.count, let n = Int(arguments[i].replacingUnderscores()), n >= number.min else {
                    throw BenchConfig.UsageError(description: "\(a) needs a whole number ≥ \(number.min)")
                }
                options[keyPath: number.field] = n
            } else if let change = switches[a] {
                change(&options)
            } else if a == "--workloads" {
                rest.append(a)
                i += 1
                guard i < arguments.count else { break }
                let names = arguments[i].split(separator: ",").map { String($0).trimmed() }
                select(&options, names.contains("all") ? nil : names)
                rest.append(names.filter { !owned.contains($0) }.joined(separator: ","))
            } else {
                rest.append(a)
            }
            i += 1
        }
        return rest
    }
}
