import FuzzSupport

/// libFuzzer's entry point: one input through the `debezium` importer's reader (see `ImportTarget`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImportDebezium(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    ImportTarget.run(.debezium, data, size)
}
