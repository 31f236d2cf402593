import EventLog
import Foundation
import Testing

/// The real `rewind` on logs damaged behind their checksums (fields edited, CRCs recomputed):
/// every command exits with a status, never a signal; damage to events exits 4 naming the
/// segment and the byte offset; a forged (derived) index is rebuilt and changes nothing.
@Suite("rewind on forged logs")
struct ForgedLogCLITests {
    enum Forgery: String, CaseIterable, Sendable {
        case swappedSealedBatches, changedSealedPosition, positionNear2To64, versionNear2To64, basePositionZero, absurdIndexCount, indexLengthPastFile
    }

    /// A log of 4 KiB segments, 200 events over 5 streams, written in-process.
    struct ForgedLog {
        let dir = ScratchDirectory()
        let log: String

        init() throws {
            log = dir.file("log")
            try EventLog.create(at: log, segmentBytes: 4096)
            let writer = try EventLog.openWriter(at: log)
            for i in 0..<100 {
                let events = (0..<(i % 3 + 1)).map { j in
                    NewEvent(type: "Booked", data: Array("{\"n\":\(i),\"j\":\(j),\"pad\":\"\(String(repeating: "x", count: 40))\"}".utf8))
                }
                try writer.append(to: "acct-\(i % 5)", events)
            }
            writer.close()
        }

        func segment(_ n: Int) -> String { log + "/segments/" + String(format: "%012d.seg", n) }
        func index(_ n: Int) -> String { log + "/index/" + String(format: "%012d.idx", n) }
        var segmentCount: Int { (try? FileManager.default.contentsOfDirectory(atPath: log + "/segments").count) ?? 0 }

        func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
        func write(_ path: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

        /// Offsets of the whole frames of a segment.
        func frames(_ path: String) throws -> [(offset: Int, length: Int, count: Int)] {
            let b = try bytes(path)
            var out: [(Int, Int, Int)] = []
            var at = 40
            while at + 12 <= b.count {
                let length = Int(u32(b, at)) + 12
                guard length > 12, at + length <= b.count else { break }
                out.append((at, length, Int(u32(b, at + 8))))
                at += length
            }
            return out
        }

        /// Applies `edit` to the frame at `offset` (frame-relative offsets) and recomputes its CRC.
        func editBatch(_ path: String, at offset: Int, length: Int, _ edit: (inout [UInt8]) -> Void) throws {
            var b = try bytes(path)
            var frame = Array(b[offset..<(offset + length)])
            edit(&frame)
            let body = length - 12
            let crc = Checksum.crc32c(Array(frame[(8 + body)...]), extending: Checksum.crc32c(Array(frame[0..<(4 + body)])))
            put(&frame, 4 + body, UInt64(crc), 4)
            b.replaceSubrange(offset..<(offset + length), with: frame)
            try write(path, b)
        }

        func u32(_ b: [UInt8], _ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * UInt32($1)) } }
        func put(_ b: inout [UInt8], _ at: Int, _ v: UInt64, _ width: Int) {
            for i in 0..<width { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
        }

        /// Forges the log; returns the damaged segment's file name and the offset commands must name
        /// (nil for a forged index, which is rebuilt).
        func forge(_ forgery: Forgery) throws -> (file: String, offset: Int)? {
            let seg2 = segment(2)
            let frames = try frames(seg2)
            switch forgery {
            case .swappedSealedBatches:
                var b = try bytes(seg2)
                let (a, c) = (frames[1], frames[2])
                b.replaceSubrange(a.offset..<(c.offset + c.length), with: Array(b[c.offset..<(c.offset + c.length)]) + Array(b[a.offset..<(a.offset + a.length)]))
                try write(seg2, b)
                return ("000000000002.seg", a.offset)
            case .changedSealedPosition:
                let f = frames[2]
                try editBatch(seg2, at: f.offset, length: f.length) { put(&$0, 12, 1_000_000, 8) }
                return ("000000000002.seg", f.offset)
            case .positionNear2To64, .versionNear2To64:
                let f = try #require(frames.first { $0.count >= 2 })
                try editBatch(seg2, at: f.offset, length: f.length) { put(&$0, forgery == .positionNear2To64 ? 12 : 20, .max - 1, 8) }
                return ("000000000002.seg", f.offset)
            case .basePositionZero:
                let path = segment(2)
                var b = try bytes(path)
                put(&b, 16, 0, 8)
                put(&b, 32, UInt64(Checksum.crc32c(Array(b[0..<32]))), 4)
                try write(path, b)
                return ("000000000002.seg", 16)
            case .absurdIndexCount, .indexLengthPastFile:
                var b = try bytes(index(2))
                if forgery == .absurdIndexCount { put(&b, 40, UInt64(UInt32.max), 4) } else { put(&b, 32, .max, 8) }
                put(&b, b.count - 4, UInt64(Checksum.crc32c(Array(b[0..<(b.count - 4)]))), 4)
                try write(index(2), b)
                return nil
            }
        }
    }

    @Test(arguments: Forgery.allCases)
    func commandsOnAForgedLogExitCleanly(forgery: Forgery) throws {
        let l = try ForgedLog()
        try #require(l.segmentCount >= 4)
        let clean = try CLIRunner.rewind(["export", l.log])
        try #require(clean.status == 0)
        let cleanStreams = try CLIRunner.rewind(["streams", l.log, "--json"])
        let damage = try l.forge(forgery)

        var commands: [(String, [String])] = [
            ("read", ["read", l.log]), ("export", ["export", l.log]), ("verify", ["verify", l.log]),
            ("read a stream", ["read", l.log, "acct-0"]), ("streams", ["streams", l.log, "--json"]),
        ]
        commands.append(("append", ["append", l.log, "acct-9", "Booked", "{}"]))  // last: it may change the log
        for (name, arguments) in commands {
            let r = try CLIRunner.rewind(arguments)
            #expect(r.reason == .exit, "\(name) died of signal \(r.status): \(r.stderr)")
            guard r.reason == .exit else { continue }
            if let damage {
                // `streams` lists the index's summary and reads no event: it may succeed, but
                // only with the clean log's answer (a base-0 header stops every open).
                if name == "streams" && r.status == 0 {
                    #expect(r.stdout == cleanStreams.stdout)
                    continue
                }
                // A stream read touches only that stream's batches.
                if name == "read a stream" && r.status == 0 { continue }
                #expect(r.status == 4, "\(name) exited \(r.status): \(r.stderr)")
                let text = r.stdout + r.stderr
                #expect(text.contains(damage.file), "\(name): \(text)")
                #expect(text.contains("offset \(damage.offset)"), "\(name): \(text)")
            } else {
                #expect(r.status == 0, "\(name) exited \(r.status): \(r.stderr)")
                if name == "export" { #expect(r.stdout == clean.stdout) }
                if name == "streams" { #expect(r.stdout == cleanStreams.stdout) }
            }
        }
    }
}
