import EventLog
import Foundation

/// Damage that passes the checksums: edits one field of a segment header, a batch or an index
/// file and recomputes the CRC that covers it, as a careless tool or an attacker would. The fault
/// tests use it to reach the checks behind the CRCs (ranges, continuity, index against segment).
enum ForgedFields {
    /// Sets a segment header's base position (offset 16) and recomputes the header CRC.
    static func segmentBasePosition(_ path: String, _ base: UInt64) throws {
        var header = Array(try FileSurgery.bytes(path).prefix(LogFormat.segmentHeaderSize))
        put64(&header, 16, base)
        put32(&header, 32, Checksum.crc32c(Array(header[0..<32])))
        try FileSurgery.overwrite(path, at: 0, with: header)
    }

    /// Sets a batch's first position (body offset 8) and recomputes its CRC.
    static func batchFirstPosition(_ path: String, _ frame: FileSurgery.Frame, _ position: UInt64) throws {
        try editBatch(path, frame) { put64(&$0, 4 + 8, position) }
    }

    /// Sets a batch's first version (body offset 16) and recomputes its CRC.
    static func batchFirstVersion(_ path: String, _ frame: FileSurgery.Frame, _ version: UInt64) throws {
        try editBatch(path, frame) { put64(&$0, 4 + 16, version) }
    }

    /// Edits a whole frame's bytes (offsets relative to the frame), then recomputes its CRC from
    /// its (possibly edited) length prefix, body and suffix.
    static func editBatch(_ path: String, _ frame: FileSurgery.Frame, _ edit: (inout [UInt8]) -> Void) throws {
        var bytes = Array(try FileSurgery.bytes(path)[frame.offset..<frame.end])
        edit(&bytes)
        let body = frame.bodyLength
        let crc = Checksum.crc32c(Array(bytes[(8 + body)..<(12 + body)]), extending: Checksum.crc32c(Array(bytes[0..<(4 + body)])))
        put32(&bytes, 4 + body, crc)
        try FileSurgery.overwrite(path, at: frame.offset, with: bytes)
    }

    /// Swaps two adjacent whole frames: every CRC still passes, the segment keeps its length.
    static func swapBatches(_ path: String, _ a: FileSurgery.Frame, _ b: FileSurgery.Frame) throws {
        precondition(a.end == b.offset, "swapBatches needs adjacent frames")
        let all = try FileSurgery.bytes(path)
        try FileSurgery.overwrite(path, at: a.offset, with: Array(all[b.offset..<b.end]) + Array(all[a.offset..<a.end]))
    }

    /// Edits an index file's bytes and recomputes its trailing CRC.
    static func editIndex(_ path: String, _ edit: (inout [UInt8]) -> Void) throws {
        var bytes = try FileSurgery.bytes(path)
        edit(&bytes)
        let crc = Checksum.crc32c(Array(bytes[0..<(bytes.count - 4)]))
        put32(&bytes, bytes.count - 4, crc)
        try FileSurgery.write(path, bytes)
    }

    static func put32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) {
        for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
    }

    static func put64(_ b: inout [UInt8], _ at: Int, _ v: UInt64) {
        for i in 0..<8 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
    }
}
