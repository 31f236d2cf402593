import Foundation

/// Messages from background threads to the app's input thread: a locked queue.
public final class Outbox: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [Message] = []

    public init() {}

    public func post(_ message: Message) {
        lock.lock()
        messages.append(message)
        lock.unlock()
    }

    public var isEmpty: Bool {
        lock.lock()
        defer { lock.unlock() }
        return messages.isEmpty
    }

    /// Every message posted since the last call, oldest first.
    public func drain() -> [Message] {
        lock.lock()
        defer { lock.unlock() }
        let out = messages
        messages.removeAll(keepingCapacity: true)
        return out
    }
}
