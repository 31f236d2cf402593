import EventLog

/// Small helpers for building events in tests.
enum Fixtures {
    static func event(_ type: String = "Happened", _ json: String = "{}", metadata: String = "") -> NewEvent {
        NewEvent(type: type, data: Array(json.utf8), metadata: Array(metadata.utf8))
    }

    static func deposits(_ n: Int, from start: Int = 1) -> [NewEvent] {
        (start..<(start + n)).map { event("MoneyDeposited", "{\"amountCents\":\($0)}") }
    }

    /// A new log in `dir/log` with small segments so tests roll often.
    static func makeLog(in dir: TemporaryDirectory, segmentBytes: Int = 1 << 20) throws -> String {
        let path = dir.file("log")
        try EventLog.create(at: path, segmentBytes: segmentBytes)
        return path
    }
}
