import Platform
/// Everything the engine can refuse or fail with. Descriptions are sentences that say what was
/// wrong and what to do next; the CLI prints them as they are.
public enum EventLogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stream is not at the version the append expected.
    case wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: UInt64)
    /// Another process holds the writer lock.
    case locked(log: String, holder: String)
    /// The directory is not a Rewind log (no marker file).
    case notALog(path: String)
    /// `init` on a directory that already holds a log.
    case alreadyExists(path: String)
    /// Damaged data that is not a torn tail: refused, never skipped.
    case corrupt(segment: String, offset: Int, reason: String)
    /// A system call failed.
    case io(IOError)
    /// The caller asked for something invalid (bad stream name, empty batch, too large…).
    case invalidArgument(String)
    /// A write was attempted through a read-only handle.
    case readOnly(log: String)
    /// An earlier write or fsync failed; the writer stopped accepting appends so that nothing is
    /// acknowledged that may not be on disk.
    case writerFailed(reason: String)
    /// The log was closed.
    case closed

    public var description: String {
        switch self {
        case let .wrongExpectedVersion(stream, expected, actual):
            let now = actual == 0 ? "does not exist yet" : "is at version \(actual)"
            return "wrong expected version for stream '\(stream)': expected \(expected), but the stream \(now); "
                + "read the stream again and retry with --expected-version \(actual == 0 ? "no-stream" : String(actual)), or use any"
        case let .locked(log, holder):
            return "log \(log) is locked by \(holder); wait for it to finish, or open the log read-only"
        case let .notALog(path):
            return "\(path) is not a Rewind log (no \(LogFormat.markerFile)); create one with 'rewind init \(path)'"
        case let .alreadyExists(path):
            return "\(path) already holds a Rewind log; use it as it is, or choose another directory"
        case let .corrupt(segment, offset, reason):
            return "log is corrupt in \(segment) at byte offset \(offset): \(reason); "
                + "run 'rewind verify' for a full report and restore this segment from a copy — nothing was skipped or changed"
        case let .io(error):
            return "\(error)"
        case let .invalidArgument(message):
            return message
        case let .readOnly(log):
            return "log \(log) is open read-only; open it for writing to append"
        case let .writerFailed(reason):
            let what = reason.contains("fdatasync failed") || reason.contains("fsync failed") ? "sync" : "write"
            return "the writer stopped after a failed \(what) (\(reason)); nothing unacknowledged was reported as stored — reopen the log to recover"
        case .closed:
            return "the log is closed"
        }
    }
}

extension EventLogError {
    /// Turns any error from the layers below into the engine's error: `IOError` becomes `.io`,
    /// an `EventLogError` stays as it is.
    static func wrap(_ error: any Error) -> EventLogError {
        if let e = error as? EventLogError { return e }
        if let e = error as? IOError { return .io(e) }
        return .writerFailed(reason: "\(error)")
    }
}

extension EventLogError {
    /// The error for a failed read of `count` bytes at `offset` of a segment: an I/O error
    /// (EIO) means the disk could not return data that should be there, so it is reported as
    /// damage at that segment and offset (exit status 4), never as a short history; any other
    /// failure stays an I/O error.
    static func readFailure(_ error: any Error, segment: String, offset: Int, count: Int) -> EventLogError {
        if let io = error as? IOError, io.errno == Errno.io {
            return .corrupt(segment: segment, offset: offset, reason: "the disk could not read the \(count) bytes here (\(io.call): \(io.reason)); what they held is unknown")
        }
        return wrap(error)
    }
}
