import EventLog

/// The checks of an import: decides, record by record, which events are written (and at which
/// version), which the log already holds, and which records are wrong.
///
/// The log's ids are read per stream, the first time the input touches that stream (only the
/// touched streams are read). An event whose id is already there at the same place is "already
/// present" and skipped; at another place it is an error. A version the source gives must be
/// the stream's next one. Memory: one 40-byte slot of `EventIDTable` per event of the input and
/// per event of the touched streams, the table between 3/8 and 3/4 full (55–110 bytes an id).
struct ImportPlanner {
    let log: EventLog
    let maxReasons: Int
    private var streamIDs: [String: Int32] = [:]
    private var names: [String] = []
    /// Per stream: the version after the events planned so far.
    private var versions: [UInt64] = []
    private var receives: [Bool] = []
    /// Where each id lives: in the log (line 0) or planned for an input line.
    private var known = EventIDTable()

    private(set) var eventRecords = 0
    private(set) var toImport = 0
    private(set) var alreadyPresent = 0
    private(set) var errors: [RecordError] = []
    private(set) var errorCount = 0
    /// Errors `skipInvalid` cannot skip: plans made around the record are wrong.
    private(set) var fatal: [RecordError] = []
    private(set) var ignored: [IgnoredKind] = []
    private var ignoredIndex: [String: Int] = [:]
    private(set) var ignoredCount = 0

    var streamsReceiving: Int { receives.lazy.filter { $0 }.count }

    init(log: EventLog, maxReasons: Int) {
        self.log = log
        self.maxReasons = maxReasons
    }

    /// Where a planned event goes: its stream's index (in the order the input first names the
    /// streams) and version.
    struct Placement {
        var stream: Int32
        var version: UInt64
    }

    /// Checks one record; returns where to write its event, or nil when it is not written (not
    /// an event, already present, or wrong).
    @discardableResult
    mutating func add(_ record: SourceRecord) throws -> Placement? {
        switch record {
        case .ignored(let location, let reason):
            ignoredCount += 1
            if let i = ignoredIndex[reason] {
                ignored[i].count += 1
            } else if ignored.count < maxReasons {
                ignoredIndex[reason] = ignored.count
                ignored.append(IgnoredKind(reason: reason, count: 1, first: location))
            }
            return nil
        case .invalid(let error):
            return fail(error)
        case .event(let e):
            return try add(event: e)
        }
    }

    /// `add` for an event record.
    mutating func add(event e: SourceEvent) throws -> Placement? {
        eventRecords += 1
        // `EventImporter` has turned unstorable events into invalid records.
        let s = try stream(e.stream)
        if let placed = known[e.event.id] {
            let sameStream = placed.stream == s && (e.version == nil || e.version == placed.version)
            if sameStream {
                alreadyPresent += 1
                return nil
            }
            let place = "\(names[Int(placed.stream)]) version \(placed.version)"
            let origin = placed.fromLog ? "the log already holds it as \(place)" : "line \(placed.line) of this input already puts it in \(place)"
            let here = e.version.map { "\(e.stream) version \($0)" } ?? e.stream
            return fail(RecordError(e.location, "event id \(e.event.id) is for \(here), but \(origin); an event id names one event"))
        }
        let current = versions[Int(s)]
        if let v = e.version, v != current + 1 {
            let now = current == 0 ? "does not exist yet" : "is at version \(current)"
            return fail(RecordError(e.location, "event claims version \(v) of stream '\(e.stream)', but the stream \(now) (the next version is \(current + 1))"))
        }
        versions[Int(s)] = current + 1
        receives[Int(s)] = true
        known[e.event.id] = IDPlacement(version: current + 1, line: e.location.line ?? 0, stream: s, fromLog: false)
        toImport += 1
        return Placement(stream: s, version: current + 1)
    }

    private mutating func fail(_ error: RecordError) -> Placement? {
        errorCount += 1
        if errors.count < maxReasons { errors.append(error) }
        return nil
    }

    /// The index of a stream, reading its ids from the log the first time it is seen.
    private mutating func stream(_ name: String) throws -> Int32 {
        if let s = streamIDs[name] { return s }
        let s = Int32(names.count)
        streamIDs[name] = s
        names.append(name)
        versions.append(log.version(of: name))
        receives.append(false)
        try log.readStream(name) { view in
            let id = view.id
            if let planned = known[id], !planned.fromLog {
                // An earlier input record was planned as new, and this stream of the log holds
                // its id: that record, and every version planned after it, cannot stand.
                let message = "event id \(id) (line \(planned.line) of this input, for \(names[Int(planned.stream)])) is already in the log as \(name) version \(view.version); an event id names one event"
                if fatal.count < maxReasons { fatal.append(RecordError(.line(planned.line), message)) }
            } else {
                known[id] = IDPlacement(version: view.version, line: 0, stream: s, fromLog: true)
            }
            return true
        }
        return s
    }
}
