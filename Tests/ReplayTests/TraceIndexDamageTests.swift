import EventLog
import Foundation
import Platform
@testable import Replay
import Testing

/// A trace index file that is missing, cut, flipped, zeroed, another segment's, from another
/// log, or forged with a recomputed CRC is rebuilt (or, when it passes every check yet lies,
/// only checked candidates are used): the trace is the same, the user is told in one line, and
/// nothing traps. Random damage runs `REWIND_TRACE_DAMAGE_ROUNDS` times (default 60).
@Suite("trace index damage")
struct TraceIndexDamageTests {
    typealias T = TraceIndexTests

    enum Damage: String, CaseIterable {
        case deleted, bitFlipInEntries, bitFlipInHeader, truncated, empty, zeroed, otherSegmentsFile, anotherLogsFile, forgedNumberWithCRC,
             forgedEntriesWithCRC
    }

    /// Every transfer's trace, as the reference the damaged runs must equal.
    static func traces(_ index: TraceIndex, transfers: Int) throws -> [Trace] {
        try (0..<transfers).map { try index.trace(correlation: "tr-\($0)") }
            + (1...UInt64(3 * transfers)).compactMap { try index.trace(of: $0) }
    }

    /// Makes every checksum of a (forged) file right again: each page's, then the directory's
    /// (the fuzz target's helper; the magic and format it also sets are left intact here).
    static func recomputeCRC(_ bytes: inout [UInt8]) {
        bytes = TraceIndexFileCheck.withValidChecksums(bytes)
    }

    @Test(arguments: Damage.allCases)
    func damagedTraceIndexIsRebuiltToldAndTracesStayExact(damage: Damage) throws {
        let scratch = try T.Scratch()
        let (log, _) = try T.transferLog(scratch, transfers: 60)
        defer { log.close() }
        let first = try TraceIndex(log: log)
        #expect(first.takeNotes().first?.contains("built the trace index of") == true)
        let reference = try Self.traces(first, transfers: 60)
        let original = try FileSystem.readFile(scratch.trc(2))
        try #require(FileSystem.exists(scratch.trc(3)))
        var bytes = original
        switch damage {
        case .deleted: try FileSystem.remove(scratch.trc(2))
        case .bitFlipInEntries: bytes[bytes.count - 20] ^= 0x10
        case .bitFlipInHeader: bytes[20] ^= 0x01
        case .truncated: bytes.removeLast(7)
        case .empty: bytes = []
        case .zeroed: bytes = [UInt8](repeating: 0, count: bytes.count)
        case .otherSegmentsFile: bytes = try FileSystem.readFile(scratch.trc(3))
        case .anotherLogsFile:
            let other = try T.Scratch()
            let (otherLog, _) = try T.transferLog(other, transfers: 60)
            _ = try TraceIndex(log: otherLog)
            otherLog.close()
            bytes = try FileSystem.readFile(other.trc(2))
        case .forgedNumberWithCRC:
            bytes[12] = 9
            Self.recomputeCRC(&bytes)
        case .forgedEntriesWithCRC:
            // Every entry's offset pointed at the segment's first event: passes the checks, lies.
            let pages = Int(TraceIndexFile.u32(bytes, 56))
            var at = TraceIndexFile.headerSize + 8 * pages + 4
            while at + 8 <= bytes.count { for i in 4..<8 { bytes[at + i] = 0 }; at += 8 }
            Self.recomputeCRC(&bytes)
        }
        if damage != .deleted { try FileSystem.writeAtomically(bytes, to: scratch.trc(2), durable: false) }

        let again = try TraceIndex(log: log)
        // A damaged page is found by the lookup that reads it, so the notes come after the traces.
        let traces = try Self.traces(again, transfers: 60)
        let notes = again.takeNotes()
        switch damage {
        case .forgedEntriesWithCRC:
            // The lie hides events but adds none: every event shown is a real match.
            #expect(notes.isEmpty)
            for (t, r) in zip(traces, reference) {
                #expect(Set(t.correlated).isSubset(of: Set(r.correlated)))
            }
        case .deleted:
            #expect(notes == ["built the trace index of 1 sealed segment (index/*.trc)"])
            #expect(traces == reference)
        default:
            #expect(notes.count == 1 && notes[0].contains(LogFormat.traceIndexFileName(2)) && notes[0].contains("rebuilt"), "\(notes)")
            #expect(traces == reference)
        }
        if damage != .forgedEntriesWithCRC {
            #expect(try FileSystem.readFile(scratch.trc(2)) == original, "the rebuilt file is the file first built")
            #expect(try TraceIndex(log: log).takeNotes().isEmpty, "a sound file is used as it is")
        }
    }

    @Test func randomDamageNeverTrapsAndNeverAddsAnEvent() throws {
        let rounds = Int(ProcessInfo.processInfo.environment["REWIND_TRACE_DAMAGE_ROUNDS"] ?? "") ?? 60
        let scratch = try T.Scratch()
        let (log, _) = try T.transferLog(scratch, transfers: 60)
        defer { log.close() }
        let reference = try Self.traces(try TraceIndex(log: log), transfers: 60)
        let original = try FileSystem.readFile(scratch.trc(1))
        var rng = SystemRandomNumberGenerator()
        for round in 0..<rounds {
            var bytes = original
            switch round % 4 {
            case 0: for _ in 0..<Int.random(in: 1...8, using: &rng) { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            case 1: bytes.removeLast(Int.random(in: 1..<bytes.count, using: &rng))
            case 2:
                // Header counts rewritten and the CRC made right: the size and range checks must hold.
                let field = [56, 60, 24, 32].randomElement(using: &rng) ?? 56
                let v = UInt32.random(in: 0...UInt32.max, using: &rng)
                withUnsafeBytes(of: v.littleEndian) { for i in 0..<4 { bytes[field + i] = $0[i] } }
                Self.recomputeCRC(&bytes)
            default:
                for _ in 0..<Int.random(in: 1...8, using: &rng) { bytes[Int.random(in: 64..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
                Self.recomputeCRC(&bytes)
            }
            try FileSystem.writeAtomically(bytes, to: scratch.trc(1), durable: false)
            let traces = try Self.traces(try TraceIndex(log: log), transfers: 60)
            for (t, r) in zip(traces, reference) {
                #expect(Set(t.correlated).isSubset(of: Set(r.correlated)), "round \(round)")
                #expect(Set(t.tree.map(\.position)).isSubset(of: Set(r.tree.map(\.position))) || t.missingParent != nil, "round \(round)")
            }
        }
    }

    @Test func aLogDirectoryThatCannotBeWrittenKeepsTheIndexInMemoryAndSaysSo() throws {
        let scratch = try T.Scratch()
        let (log, _) = try T.transferLog(scratch, transfers: 20)
        defer { log.close() }
        let reference = try Self.traces(try TraceIndex(log: log), transfers: 20)
        try FileSystem.remove(scratch.trc(1))
        // A directory where the file should be: the write fails, the trace does not.
        try FileSystem.makeDirectory(scratch.trc(1))
        let index = try TraceIndex(log: log)
        let notes = index.takeNotes()
        #expect(notes.contains { $0.contains("could not be saved") || $0.contains("could not be opened") }, "\(notes)")
        #expect(try Self.traces(index, transfers: 20) == reference)
    }
}

/// The fuzz target's check on its seed corpus (Fuzz/Corpus/trace-index) and on forged headers:
/// refused or accepted, never a trap, never a candidate outside the segment.
@Suite("trace index file check")
struct TraceIndexFileCheckTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/trace-index").path

    @Test func seedsAreJudgedAndTheSoundOnesAccepted() throws {
        let names = try FileSystem.list(Self.corpus).sorted()
        #expect(names.count >= 4)
        for name in names {
            let bytes = try FileSystem.readFile(Self.corpus + "/" + name)
            let outcome = TraceIndexFileCheck.check(bytes)
            if name.hasPrefix("0000") { #expect(outcome != .refused, "\(name)") }
            if name == "page-count-max.trc" || name == "no-entries.trc" { #expect(outcome == .refused, "\(name)") }
        }
    }

    @Test func forgedCountsWithARightChecksumAreRefused() throws {
        let sound = try FileSystem.readFile(Self.corpus + "/000000000001.trc")
        for (field, value) in [(56, UInt32(25)), (56, UInt32.max), (60, UInt32.max), (60, 0), (24, 0)] {
            var bytes = sound
            withUnsafeBytes(of: value.littleEndian) { for i in 0..<4 { bytes[field + i] = $0[i] } }
            TraceIndexDamageTests.recomputeCRC(&bytes)
            #expect(TraceIndexFileCheck.check(bytes) == .refused, "field \(field) = \(value)")
        }
    }
}
