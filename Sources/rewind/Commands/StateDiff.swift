import ArgumentParser
import EventLog
import JSON
import Replay
import SafeText

/// `rewind state LOG STREAM --diff A..B`: what changed in a stream's state between two points.
struct StateDiff {
    /// One end of `A..B`: a version (`7`, `v7`), a global position (`@1200`) or an instant.
    enum Point: Equatable {
        case version(UInt64)
        case position(UInt64)
        case time(Int64)

        init?(_ text: String) {
            let t = text.trimmed()
            if t.hasPrefix("@") {
                guard let p = UInt64(t.dropFirst()) else { return nil }
                self = .position(p)
            } else if let v = UInt64(t.hasPrefix("v") ? String(t.dropFirst()) : t) {
                self = .version(v)
            } else if let micros = RFC3339.parse(t) ?? RFC3339.parseFlexible(t) {
                self = .time(micros)
            } else {
                return nil
            }
        }
    }

    var from: Point
    var to: Point

    static let usage = "give --diff as A..B, where each end is a version (7 or v7), a global position (@1200) or an instant (2026-01-15T10:00:00Z)"

    /// Parses `A..B`; the message says what is wrong.
    init(parsing text: String) throws {
        guard let range = text.range(of: "..") else {
            throw ValidationError("--diff '\(SafeText.escape(text))': \(Self.usage)")
        }
        let a = String(text[..<range.lowerBound]), b = String(text[range.upperBound...])
        guard let from = Point(a) else { throw ValidationError("--diff: '\(SafeText.escape(a))' is not a version, @position or instant; \(Self.usage)") }
        guard let to = Point(b) else { throw ValidationError("--diff: '\(SafeText.escape(b))' is not a version, @position or instant; \(Self.usage)") }
        self.from = from
        self.to = to
    }

    /// The version `point` means in `timeline` (a note on stderr when it is before the first event).
    static func version(_ point: Point, in timeline: StreamTimeline, stream: String) throws -> UInt64 {
        let last = timeline.lastVersion
        switch point {
        case .version(let v):
            guard v <= last else {
                throw CLIError("\(SafeText.escape(stream)) has \(last) event\(last == 1 ? "" : "s"); version \(v) in --diff is beyond its end (use 0…\(last))")
            }
            return v
        case .position(let p):
            return try timeline.version(atPosition: p)
        case .time(let micros):
            return try timeline.version(atTime: micros)
        }
    }

    /// Prints the diff between the two versions' states.
    func run(_ timeline: StreamTimeline, stream: String, json: Bool) throws {
        let a = try Self.version(from, in: timeline, stream: stream)
        let b = try Self.version(to, in: timeline, stream: stream)
        let old = try timeline.state(at: a).state
        let new = try timeline.state(at: b).state
        let changes = JSONValue.diff(from: old, to: new)
        if json {
            let object: JSONValue = [
                "stream": .string(stream),
                "from": ["version": .integer(Int64(clamping: a))],
                "to": ["version": .integer(Int64(clamping: b))],
                "changes": DiffOutput.json(changes),
            ]
            Output.standard.line(bytes: object.serializedBytes())
            return
        }
        Output.standard.line("\(SafeText.escape(stream)): v\(a) → v\(b) · \(DiffOutput.summary(changes))")
        for line in DiffOutput.lines(changes, old: "v\(a)", new: "v\(b)") { Output.standard.line(line) }
    }
}
