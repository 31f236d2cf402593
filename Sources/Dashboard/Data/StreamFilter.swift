import EventLog
import Replay

/// Filters, sorts and groups stream rows for the streams pane (the rules `StreamCatalog` uses,
/// for a list given at once).
public enum StreamFilter {
    public static func list(_ all: [StreamRow], query: StreamQuery) -> StreamList {
        let catalog = StreamCatalog()
        catalog.setRows(all)
        return catalog.list(query)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
