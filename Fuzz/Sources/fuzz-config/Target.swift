import FuzzSupport
import JSON
import Replay

/// Stream names every parsed configuration's globs are matched against, a long one among them
/// (a glob matcher that backtracks shows up as a timeout).
private let streamNames = [
    "account-1", "", "-", "a", "order-2026-01-07", "ü-ñ", String(repeating: "a-", count: 300) + "b",
]

/// libFuzzer's entry point for `rewind.toml`: the bytes as `RewindConfig.load` reads them,
/// parsed and checked by `RewindConfig.parse(bytes:)` (UTF-8 and TOML syntax first, then every
/// section and key) with every rule except jq's own syntax (see `compilingJQ`). Any error is
/// fine; a crash, trap or hang is not. What parses is then used the way commands use it: each
/// stream name is matched against the aggregates' globs, and the redaction rules redact a small
/// event, as a value and as bytes, with the same result.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let config: RewindConfig
    do {
        config = try RewindConfig.parse(bytes: bytes, path: "fuzz/rewind.toml", compilingJQ: false)
    } catch {
        _ = "\(error)"
        return 0
    }
    for stream in streamNames + config.aggregates.map(\.name) {
        _ = config.aggregate(for: stream)
    }
    let redactor = Redactor(config.redaction)
    let event: JSONValue = ["user": ["email": "a@b.c", "name": "Ann"], "cards": [["number": "4111"]], "amount": 5]
    let direct = redactor.redact(event)
    let viaBytes = redactor.redact(bytes: event.serializedBytes()).map { (try? JSONValue.parse($0)) ?? .null } ?? event
    FuzzFailure.require(direct == viaBytes, "redacting a value and its bytes disagree: \(direct) and \(viaBytes)")
    return 0
}
