import FuzzSupport

/// libFuzzer's entry point: one input through the `jsonl` importer's reader (see `ImportTarget`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImportJsonl(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    ImportTarget.run(.jsonl, data, size)
}
