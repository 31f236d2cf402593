import FuzzSupport

/// libFuzzer's entry point: one input through the `kurrent` importer's reader (see `ImportTarget`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImportKurrent(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    ImportTarget.run(.kurrent, data, size)
}
