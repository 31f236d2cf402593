/// Strings for recurring short texts (event types): the last one made for each of 64 slots is
/// handed out again when the same bytes come back.
///
/// An import makes a String for every event's type; a type longer than 15 bytes (such as
/// "TransferReceived") needs a heap allocation each time, and a file has few distinct types.
struct RecentStrings {
    private var slots: [(bytes: [UInt8], string: String)?] = Array(repeating: nil, count: 64)

    mutating func string(_ text: UnsafeBufferPointer<UInt8>) -> String {
        guard let p = text.baseAddress, text.count > 0, text.count <= 64 else { return String(decoding: text, as: UTF8.self) }
        let n = text.count
        let slot = (n &* 31 &+ Int(p[0]) &* 7 &+ Int(p[n - 1]) &* 3 &+ Int(p[n / 2])) & 63
        if let entry = slots[slot], entry.bytes.count == n, entry.bytes.withUnsafeBufferPointer({ Self.same($0, text) }) {
            return entry.string
        }
        let string = String(decoding: text, as: UTF8.self)
        slots[slot] = (Array(text), string)
        return string
    }

    @inline(__always)
    private static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count, let p = a.baseAddress, let q = b.baseAddress else { return a.count == b.count }
        for i in 0..<a.count where p[i] != q[i] { return false }
        return true
    }
}
