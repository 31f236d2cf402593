import CJQ
import EventLog

/// Turns old event shapes into new ones at read time: for an event of type T stored at schema
/// version N, applies the `[upcasters.T]` steps N, N+1, … while one exists. The stored bytes
/// never change; every consumer (state, projections, `export --upcast`) reads through this.
///
/// Not thread-safe (libjq): confine to one thread.
public final class Upcaster {
    private var chains: [String: [UInt32: JQProgram]] = [:]
    private let keys = EventJVKeys()

    /// Compiles every step; a bad expression throws `JQError` naming the type and version.
    /// Every step's run is held to `limits`.
    public init(_ definitions: [UpcasterDefinition], limits: JQLimits = .standard) throws {
        for definition in definitions {
            var steps: [UInt32: JQProgram] = [:]
            for (version, expression) in definition.steps {
                do { steps[version] = try JQProgram.compiled(expression, bindsEvent: true, limits: limits) } catch let e as JQError {
                    throw JQError("upcaster \(definition.eventType) from schema version \(version): \(e.message)")
                }
            }
            chains[definition.eventType] = steps
        }
    }

    public var isEmpty: Bool { chains.isEmpty }

    /// True when events of `type` at `schemaVersion` would change.
    public func applies(to type: String, schemaVersion: UInt32) -> Bool {
        chains[type]?[schemaVersion] != nil
    }

    /// The upcasted data (compact JSON) and its new schema version, or nil when no step
    /// applies (the stored data is current). Throws `UpcastError` naming the event and step.
    public func upcast(_ e: EventView) throws -> (data: [UInt8], schemaVersion: UInt32)? {
        guard let steps = chains[e.type], steps[e.schemaVersion] != nil, e.contentType == .json else { return nil }
        var version = e.schemaVersion
        var data = OwnedJV(JVConvert.parse(e.data))
        guard data.kind != JV_KIND_INVALID else {
            throw UpcastError(stream: e.stream, version: e.version, eventType: e.type, fromSchema: version, message: "the stored data is not valid JSON")
        }
        while let program = steps[version] {
            let event = try EventJV.make(e, keys: keys)
            do {
                guard let next = try program.run(input: data, event: event) else {
                    throw UpcastError(stream: e.stream, version: e.version, eventType: e.type, fromSchema: version, message: "the upcaster produced no output")
                }
                data = next
            } catch let error as JQError {
                throw UpcastError(stream: e.stream, version: e.version, eventType: e.type, fromSchema: version, message: error.message)
            }
            version += 1
        }
        let text = OwnedJV(jv_dump_string(data.take(), 0))
        return (Array(JVConvert.string(text.borrow).utf8), version)
    }
}

/// An upcaster step failed on an event.
public struct UpcastError: Error, Sendable, Equatable, CustomStringConvertible {
    public var stream: String
    public var version: UInt64
    public var eventType: String
    public var fromSchema: UInt32
    public var message: String

    public var description: String {
        "upcaster \(eventType) from schema version \(fromSchema) failed on \(stream) version \(version): \(message)"
    }
}
