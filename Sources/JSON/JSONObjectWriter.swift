/// Writes one compact JSON object member by member: the bytes `JSONValue.object(…)
/// .serializedBytes()` gives for the same members in the same order, without building the
/// object.
///
/// Why: `rewind export` printed every event by parsing its data and metadata into values, only
/// to print them again; at 10 M events that was half of the command's time. A member whose value
/// is JSON text goes through `JSONCompactCopier` (a copy of the text without its whitespace,
/// taken only when it is certainly what parsing and printing would give) and falls back to
/// parsing and printing that one value. Strings and numbers are printed by the same printer as
/// `serializedBytes`, so they are escaped the same way.
public struct JSONObjectWriter {
    private var printer = JSONPrinter(pretty: false, sortedKeys: false)
    private var copier = JSONCompactCopier()
    private var members = 0

    public init() {}

    /// Starts a new object, dropping the last one (storage is kept).
    public mutating func begin() {
        printer.clear()
        printer.append("{")
        members = 0
    }

    /// Ends the object and hands its bytes to `body` (valid until the next `begin`).
    public mutating func finish<R>(_ body: ([UInt8]) throws -> R) rethrows -> R {
        printer.append("}")
        return try body(printer.output)
    }

    /// Writes the member name. Names are Rewind's own (`StaticString`, plain ASCII): they
    /// print as they are.
    private mutating func key(_ name: StaticString) {
        if members > 0 { printer.append(",") }
        members += 1
        printer.append("\"")
        printer.append(name)
        printer.append("\":")
    }

    public mutating func string(_ name: StaticString, _ value: String) {
        key(name)
        printer.writeString(value)
    }

    public mutating func integer(_ name: StaticString, _ value: Int64) {
        key(name)
        printer.writeInteger(value)
    }

    public mutating func value(_ name: StaticString, _ value: JSONValue) {
        key(name)
        printer.write(value, indent: 0)
    }

    /// Writes a member whose value is the JSON text `text` in the printer's form; returns false,
    /// writing nothing, when `text` is not one JSON value (`JSONValue.parse` would throw).
    public mutating func json(_ name: StaticString, _ text: UnsafeRawBufferPointer) -> Bool {
        var copied = false
        if let raw = text.baseAddress {
            let p = raw.assumingMemoryBound(to: UInt8.self)
            copier.output.removeAll(keepingCapacity: true)
            if let end = copier.copyValue(p, count: text.count, from: 0), JSONCompactCopier.skipSpace(p, text.count, end) == text.count {
                copied = true
            }
        }
        if copied {
            key(name)
            printer.append(raw: copier.output)
            return true
        }
        guard let parsed = try? JSONValue.parse(text) else { return false }
        value(name, parsed)
        return true
    }
}
