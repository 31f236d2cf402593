/// Filters, sorts and groups stream rows for the streams pane (the rules `StreamCatalog` uses,
/// for a list given at once).
public enum StreamFilter {
    public static func list(_ all: [StreamRow], query: StreamQuery) -> StreamList {
        let catalog = StreamCatalog()
        catalog.setRows(all)
        return catalog.list(query)
    }
}
