import FuzzSupport
import JSON

/// libFuzzer's entry point for the JSON parser and printer.
///
/// Any input may be refused with a `JSONParseError`; one that parses must round-trip:
/// - printing it (compact, pretty, and with sorted keys) and parsing the text again gives an
///   equal value;
/// - printing that value again gives the same bytes (the printer is a function of the value);
/// - the structural diff between the two is empty.
///
/// And `JSONCompactCopier`, which import and export use to skip the parser: whatever input it
/// takes whole (one value, then only whitespace) must parse, and its copy must be the bytes
/// the compact printer gives for the parsed value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var copier = JSONCompactCopier()
    var copied: [UInt8]?
    if let data, size > 0, let end = copier.copyValue(data, count: size, from: 0), JSONCompactCopier.skipSpace(data, size, end) == size {
        copied = copier.output
    }
    let value: JSONValue
    do throws(JSONParseError) {
        value = try JSONValue.parse(UnsafeRawBufferPointer(start: data, count: size))
    } catch {
        _ = error.description
        FuzzFailure.require(copied == nil, "the compact copier took input the parser refuses (\(error))")
        return 0
    }
    if let copied {
        let printed = value.serializedBytes()
        FuzzFailure.require(copied == printed, "the compact copy differs from the printer: \(String(decoding: copied, as: UTF8.self)) against \(String(decoding: printed, as: UTF8.self))")
    }
    for (pretty, sorted) in [(false, false), (true, false), (false, true)] {
        let printed = value.serializedBytes(pretty: pretty, sortedKeys: sorted)
        let reparsed: JSONValue
        do throws(JSONParseError) {
            reparsed = try JSONValue.parse(printed)
        } catch {
            FuzzFailure.fail("printed JSON does not parse (\(error)): \(String(decoding: printed, as: UTF8.self))")
        }
        FuzzFailure.require(reparsed == value, "printed JSON reads back to a different value: \(String(decoding: printed, as: UTF8.self))")
        FuzzFailure.require(reparsed.hashValue == value.hashValue, "equal values hash differently: \(String(decoding: printed, as: UTF8.self))")
        let changes = JSONValue.diff(from: value, to: reparsed)
        FuzzFailure.require(changes.isEmpty, "equal values have a diff (\(changes.count) changes, first at \(changes[0].path))")
        let again = reparsed.serializedBytes(pretty: pretty, sortedKeys: sorted)
        FuzzFailure.require(again == printed, "printing is not stable: \(String(decoding: printed, as: UTF8.self)) then \(String(decoding: again, as: UTF8.self))")
    }
    return 0
}
