import Replay

/// A `:find` search as the dashboard asks for it: `id` tells its answers from an older search's.
/// An empty predicate cancels the search in progress.
public struct FindQuery: Sendable, Equatable {
    public var id: Int
    public var predicate: String
    public init(id: Int, predicate: String) {
        self.id = id
        self.predicate = predicate
    }
}

/// Progress of a search, posted by the worker as it goes: the matches found since the last
/// update, how far it got, and, at the end, whether it finished, was stopped, or failed.
public struct FindUpdate: Sendable, Equatable {
    public var id: Int
    public var newMatches: [EventRef]
    public var reached: UInt64
    public var head: UInt64
    public var done: Bool
    /// Events the predicate failed on (not matches), and the first message.
    public var errors: Int
    public var firstError: String?
    /// Why the search could not run (a predicate jq refuses, an unreadable log).
    public var failure: String?
    /// True when it stopped at the dashboard's cap on matches kept.
    public var capped: Bool

    public init(id: Int, newMatches: [EventRef] = [], reached: UInt64 = 0, head: UInt64 = 0, done: Bool = false,
                errors: Int = 0, firstError: String? = nil, failure: String? = nil, capped: Bool = false) {
        self.id = id
        self.newMatches = newMatches
        self.reached = reached
        self.head = head
        self.done = done
        self.errors = errors
        self.firstError = firstError
        self.failure = failure
        self.capped = capped
    }
}

/// The dashboard's search: the matches so far, the overlay's cursor, and whether it is shown.
public struct FindResults: Sendable, Equatable {
    /// Matches kept at most: the overlay lists them, n/N walk them.
    public static let cap = 10_000

    public var query: FindQuery
    public var matches: [EventRef] = []
    public var reached: UInt64 = 0
    public var head: UInt64 = 0
    public var done = false
    public var cancelled = false
    public var capped = false
    public var errors = 0
    public var firstError: String?
    public var failure: String?
    /// The selected match (the overlay's cursor, and where n/N start from).
    public var cursor = 0
    public var top = 0
    /// Whether the overlay is open (n/N work with it closed).
    public var visible = true

    public init(query: FindQuery) {
        self.query = query
    }

    public var running: Bool { !done && !cancelled }
}
