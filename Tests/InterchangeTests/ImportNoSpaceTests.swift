import EventLog
import Foundation
import Interchange
import Platform
import Testing

/// `rewind import` on a full or failing disk: the importer the CLI runs (`EventImporter`, in
/// one `ImportTransaction`) throws a clear error whichever write, sync or rename fails, the log
/// holds exactly what it held before (in this process, in a fresh reader, and reopened), and
/// the same input imported again afterwards brings every event in.
@Suite("Fault: import on a full disk")
struct ImportNoSpaceTests {
    typealias Fault = FaultInjection.Fault

    static let faults = [
        Fault(call: .write, errno: Errno.noSpace),
        Fault(call: .write, errno: Errno.noSpace, shortWrite: true),
        Fault(call: .fdatasync, errno: Errno.io),
        Fault(call: .fsync, errno: Errno.noSpace),
        Fault(call: .rename, errno: Errno.noSpace),
    ]

    static let segmentBytes = 64 << 10

    /// What "the log is exactly as before" compares.
    struct LogState: Equatable {
        var head: UInt64
        var events: [RecordedEvent]
        var versions: [String: UInt64]

        init(_ log: EventLog) throws {
            head = log.head
            var all: [RecordedEvent] = []
            try log.readAll(from: 1) { all.append($0.materialize()); return true }
            events = all
            versions = Dictionary(uniqueKeysWithValues: log.streams().map { ($0.name, log.version(of: $0.name)) })
        }
    }

    /// 300 events of about 500 bytes over five streams, two of which the log already has.
    static func input(_ scratch: ImportScratch) throws -> String {
        let pad = String(repeating: "x", count: 480)
        let lines = (0..<300).map { i in #"{"stream":"acct-\#(i % 5)","type":"Imported","data":{"i":\#(i),"pad":"\#(pad)"}}"# }
        return try scratch.write("input.jsonl", lines.joined(separator: "\n"))
    }

    static func importFile(_ path: String, into log: EventLog) throws -> ImportSummary {
        try EventImporter().run(try ImportFormat.jsonl.source(path: path, options: ImportOptions()), named: "input.jsonl", into: log)
    }

    static func leftovers(_ log: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: log).filter { $0.contains(".tmp") || $0 == LogFormat.pendingImportFile }
    }

    @Test(arguments: faults)
    func enospcDuringImportWritesNothingPartial(fault: Fault) throws {
        let steps = fault.call == .write && !fault.shortWrite ? FaultSupportSize.value("REWIND_FAULT_IMPORT_STEPS", default: 12) : 3
        var importsFailed = 0
        for nth in 1...steps {
            let scratch = ImportScratch()
            let path = scratch.path + "/log"
            try EventLog.create(at: path, segmentBytes: Self.segmentBytes)
            let log = try EventLog.openWriter(at: path, options: .init(command: "rewind import"))
            for i in 0..<30 { try log.append(to: "acct-\(i % 2)", [NewEvent(type: "Booked", data: Array("{\"i\":\(i)}".utf8))]) }
            let before = try LogState(log)
            let input = try Self.input(scratch)
            // The prefiller zeroes the first segment at once; wait for it so that the counted
            // calls are the import's own.
            let segment = path + "/" + LogFormat.segmentsDirectory + "/" + LogFormat.segmentFileName(1)
            let deadline = Date().addingTimeInterval(5)
            while ((try? FileSystem.fileSize(segment)) ?? 0) < Self.segmentBytes && Date() < deadline { usleep(1000) }

            let label = "\(fault) on call \(nth)"
            let token = FaultInjection.arm(fault.call, errno: fault.errno, nth: nth, pathContains: path + "/", shortWrite: fault.shortWrite)
            var failure: (any Error)?
            do { _ = try Self.importFile(input, into: log) } catch { failure = error }
            let fired = FaultInjection.fired(token)
            FaultInjection.disarm(token)
            #expect(failure == nil || fired > 0, "\(label): \(String(describing: failure))")
            if let failure {
                importsFailed += 1
                #expect("\(failure)".contains(Syscall.strerror(fault.errno)), "\(label): \(failure)")
                #expect(failure is EventLogError, "\(label): \(failure)")
            }

            if failure != nil {
                #expect(try LogState(log) == before, "\(label): the log changed")
                #expect(try Self.leftovers(path) == [], "\(label)")
                let reader = try EventLog.openReadOnly(at: path)
                #expect(try LogState(reader) == before, "\(label): a fresh reader sees a change")
                reader.close()
                // Retried in the same process, the import brings every event in.
                let retry = try Self.importFile(input, into: log)
                #expect(retry.events == 300 && retry.alreadyPresent == 0, "\(label)")
            }
            let after = try LogState(log)
            #expect(after.head == before.head + 300, "\(label)")
            #expect(Array(after.events.prefix(before.events.count)) == before.events, "\(label)")
            log.close()

            let reopened = try FaultSupportSize.reopenWriter(at: path)
            #expect(reopened.recovery.isClean, "\(label): \(reopened.recovery.messages)")
            #expect(try LogState(reopened) == after, "\(label)")
            reopened.close()
            let report = try LogVerifier.verify(at: path)
            #expect(report.problems.isEmpty, "\(label): \(report.problems)")
            #expect(report.events == before.head + 300)
        }
        #expect(importsFailed >= 1, "\(fault) never hit the import")
    }
}

/// Sizes from the environment, and reopening a log this process has just closed.
enum FaultSupportSize {
    /// Opens a log this process has just closed as its writer again, retrying for up to 2 s
    /// while this very process holds the lock: a child that another test forks holds a copy of
    /// the closed LOCK descriptor (and its flock) until it execs.
    static func reopenWriter(at path: String) throws -> EventLog {
        let deadline = Date().addingTimeInterval(2)
        while true {
            do {
                return try EventLog.openWriter(at: path)
            } catch EventLogError.locked(_, let holder) where holder.hasPrefix("pid \(getpid())") && Date() < deadline {
                usleep(2000)
            }
        }
    }


    static func value(_ name: String, default fallback: Int) -> Int {
        guard let text = ProcessInfo.processInfo.environment[name], let n = Int(text), n > 0 else { return fallback }
        return n
    }
}
