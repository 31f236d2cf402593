import JSON
extension ProjectionDefinition {
    /// A stable digest of everything that decides the projection's state: its source, partition
    /// expression, init, handlers, and the upcasters of the event types it handles (every
    /// upcaster when it has a "$any" handler), since they change the data its handlers see.
    /// A saved state whose fingerprint differs from the current one is stale.
    public func fingerprint(upcasters: [UpcasterDefinition]) -> String {
        var text = "from=\(from)\npartition=\(partition ?? "")\ninit=\(initExpression)\n"
        for (type, expression) in handlers { text += "on.\(type)=\(expression)\n" }
        let handlesAll = handlers["$any"] != nil
        for upcaster in upcasters.sorted(by: { $0.eventType < $1.eventType })
        where handlesAll || handlers[upcaster.eventType] != nil {
            for (version, expression) in upcaster.steps.sorted(by: { $0.key < $1.key }) {
                text += "upcast.\(upcaster.eventType).\(version)=\(expression)\n"
            }
        }
        return Fingerprint.of(text)
    }

    /// The definition as JSON (`{"from","partition","init","on"}`), written into the projection
    /// file so that a reader can see what built the state.
    public var json: JSONValue {
        var on = JSONObject()
        for (type, expression) in handlers { on[type] = .string(expression) }
        return .object([
            "from": .string(from.description),
            "partition": partition.map { .string($0) } ?? .null,
            "init": .string(initExpression),
            "on": .object(on),
        ])
    }

    /// nil when `name` can be a file name under `LOG/projections/`, else why not.
    public static func problem(withName name: String) -> String? {
        let allowed = name.unicodeScalars.allSatisfy { s in
            (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || s == "-" || s == "_" || s == "."
        }
        if name.isEmpty || !allowed || name.hasPrefix(".") || name.utf8.count > 200 {
            return "projection name '\(name)' cannot be used as a file name; use letters, digits, '-', '_' and '.' (not first), at most 200 characters"
        }
        return nil
    }
}

extension ProjectionSource {
    /// True when events of `stream` belong to this source. `category:X` matches the streams
    /// whose part before the first '-' is X (`X-…`, or `X` itself).
    @inline(__always)
    public func matches(_ stream: String) -> Bool {
        switch self {
        case .all:
            return true
        case .stream(let name):
            return stream == name
        case .category(let category):
            var s = stream.utf8.makeIterator()
            for byte in category.utf8 {
                // A category never holds a '-': the stream's category ends at its first one.
                guard byte != UInt8(ascii: "-"), s.next() == byte else { return false }
            }
            let next = s.next()
            return next == nil || next == UInt8(ascii: "-")
        }
    }
}
