import FuzzSupport

/// libFuzzer's entry point: one input through the `kcat` importer's reader (see `ImportTarget`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImportKcat(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    ImportTarget.run(.kcat, data, size)
}
