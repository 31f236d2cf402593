import Synchronization

/// Messages from the workers' threads to the app's input thread: a locked queue.
public final class Outbox: Sendable {
    private let messages = Mutex<[Message]>([])

    public init() {}

    public func post(_ message: Message) {
        messages.withLock { $0.append(message) }
    }

    public var isEmpty: Bool {
        messages.withLock { $0.isEmpty }
    }

    /// Every message posted since the last call, oldest first.
    public func drain() -> [Message] {
        messages.withLock { queued in
            guard !queued.isEmpty else { return [] }
            defer { queued.removeAll(keepingCapacity: true) }
            return queued
        }
    }
}
