import EventLog
import PostgresNIO

/// Reads the cells of the rows `TableMapping` selects, straight from their binary form.
///
/// Why by hand: postgres-nio's typed decoding builds a Swift value per cell (a `String` for the
/// data, a `Date` for the time); Rewind needs bytes and microseconds, and a whole-table read
/// must keep up with the server. Every cell is checked for its length; a cell that is not what
/// the mapping selected is an error naming the column, never a trap.
enum RowDecoder {
    /// PostgreSQL's epoch (2000-01-01) in microseconds since 1970.
    static let postgresEpochMicros: Int64 = 946_684_800_000_000

    static func int8(_ cell: PostgresCell) throws -> Int64 {
        guard let b = cell.bytes, b.readableBytes == 8, let v = b.getInteger(at: b.readerIndex, as: Int64.self) else {
            throw PostgresStoreError(.decoding, "column \(cell.columnName) is not an 8-byte integer")
        }
        return v
    }

    static func text(_ cell: PostgresCell) -> String? {
        guard let b = cell.bytes else { return nil }
        return b.getString(at: b.readerIndex, length: b.readableBytes)
    }

    /// The bytes of a text, json, jsonb (its version byte dropped) or bytea cell; empty for NULL.
    static func withBytes<R>(_ cell: PostgresCell, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        guard let b = cell.bytes else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try b.withUnsafeReadableBytes { raw in
            if cell.dataType == .jsonb, raw.count >= 1, raw[0] == 1 {
                return try body(UnsafeRawBufferPointer(rebasing: raw[1...]))
            }
            return try body(raw)
        }
    }

    /// The bytes of a text cell, or nil for NULL.
    static func withOptionalBytes<R>(_ cell: PostgresCell, _ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        guard let b = cell.bytes else { return try body(nil) }
        return try b.withUnsafeReadableBytes { try body($0) }
    }

    /// A timestamp or timestamptz cell in microseconds since 1970; nil for NULL.
    static func micros(_ cell: PostgresCell) throws -> Int64? {
        guard let b = cell.bytes else { return nil }
        guard b.readableBytes == 8, let v = b.getInteger(at: b.readerIndex, as: Int64.self) else {
            throw PostgresStoreError(.decoding, "column \(cell.columnName) is not a timestamp")
        }
        // ±infinity are the extremes of the range: shown as the epoch rather than overflowing.
        if v == .max || v == .min { return 0 }
        return v.addingReportingOverflow(postgresEpochMicros).overflow ? 0 : v + postgresEpochMicros
    }

    /// A uuid cell; nil for NULL.
    static func uuid(_ cell: PostgresCell) throws -> EventID? {
        guard let b = cell.bytes else { return nil }
        guard b.readableBytes == 16, let high = b.getInteger(at: b.readerIndex, as: UInt64.self),
              let low = b.getInteger(at: b.readerIndex + 8, as: UInt64.self)
        else { throw PostgresStoreError(.decoding, "column \(cell.columnName) is not a uuid") }
        return EventID(high: high, low: low)
    }

    static func bool(_ cell: PostgresCell) -> Bool {
        guard let b = cell.bytes, b.readableBytes == 1, let v = b.getInteger(at: b.readerIndex, as: UInt8.self) else { return false }
        return v != 0
    }
}
