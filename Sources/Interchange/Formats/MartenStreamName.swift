/// How a Marten stream id becomes a Rewind stream name, when `--stream-from` does not say.
///
/// Rewind's category is the part of a name before its first "-". Marten's string stream ids
/// usually carry their kind already (`account-1`) and are kept. A Guid id would make its first
/// eight hex digits the category, one per stream; it is named after its stream type instead:
/// `TYPE-GUID`, TYPE from a `stream_type` column (Marten's `mt_streams.type`, joined in the
/// export query), else `stream`, so that Guid streams share one category.
///
/// With conjoined tenancy the same id in two tenants is two streams (`mt_streams` is keyed by
/// id and tenant): a tenant other than Marten's default (`*DEFAULT*`) prefixes the name,
/// `TENANT/NAME`. The rule is by record, not by what else the file holds, so that exports of
/// one tenant at a time, imported one after another, keep their streams apart too.
enum MartenStreamName {
    /// Marten's tenant id for data without a tenant.
    static let defaultTenant = "*DEFAULT*"
    /// The category of Guid streams without a stream type.
    static let untypedGuidCategory = "stream"

    static func name(id: String, type: String?, tenant: String?) -> String {
        var name = id
        if isGuid(id) { name = (type ?? untypedGuidCategory) + "-" + id }
        if let tenant, tenant != defaultTenant { name = tenant + "/" + name }
        return name
    }

    /// True for a Guid in its usual text form, 8-4-4-4-12 hex digits.
    static func isGuid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (i, b) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard b == UInt8(ascii: "-") else { return false }
            } else {
                let hex = (b >= 48 && b <= 57) || (b | 0x20 >= 97 && b | 0x20 <= 102)
                guard hex else { return false }
            }
        }
        return true
    }
}
