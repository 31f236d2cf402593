/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    /// Events written.
    public var events: UInt64 = 0
    /// Streams that received events.
    public var streams: Int = 0
    public var firstPosition: UInt64 = 0
    public var lastPosition: UInt64 = 0
    /// Bytes of input.
    public var bytes: Int = 0
    /// Events whose id the log already holds at the same place (or that the input repeats):
    /// skipped, which makes importing the same input twice a no-op.
    public var alreadyPresent: Int = 0
    /// Invalid records skipped with `skipInvalid`, and the first reasons.
    public var skippedInvalid: Int = 0
    public var invalidReasons: [RecordError] = []
    /// Records that are not events (updates, deletes, tombstones, system events), and why,
    /// grouped by reason.
    public var ignored: Int = 0
    public var ignoredKinds: [IgnoredKind] = []

    public init() {}
}

/// Records ignored for one reason: how many, and where the first one is.
public struct IgnoredKind: Sendable, Equatable {
    public var reason: String
    public var count: Int
    public var first: SourceLocation
}

/// An import that wrote nothing because records were invalid: the first reasons and how many
/// records were bad.
public struct ImportFailure: Error, Sendable, CustomStringConvertible {
    public var errors: [RecordError]
    public var badRecords: Int
    /// How messages name the input ("bank.csv", "stdin").
    public var input: String
    /// Some errors cannot be skipped with `skipInvalid` (an id used in two streams, found
    /// only after events were planned around it).
    public var skippable: Bool

    public var description: String {
        var lines = errors.map { "\(input): \($0)" }
        if badRecords > errors.count { lines.append("… and \(badRecords - errors.count) more bad records") }
        if let advice = NeededOption.advice(NeededOption.collected(from: errors)) { lines.append(advice) }
        lines.append("nothing was imported; fix the records above and run the import again")
        return lines.joined(separator: "\n")
    }
}
