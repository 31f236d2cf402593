import FuzzSupport

/// libFuzzer's entry point: one input through the `marten` importer's reader (see `ImportTarget`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImportMarten(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    ImportTarget.run(.marten, data, size)
}
