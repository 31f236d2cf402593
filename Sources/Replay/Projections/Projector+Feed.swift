import EventLog

/// One event fed to a projector in log order, the way every in-memory fold (`project state`,
/// `project diff`, `project compare`, `project step`) applies events, so they all agree with
/// `project run`.
extension Projector {
    /// What became of one event.
    enum Fed {
        /// Not from the projection's streams, or no handler for its type: the checkpoint moved.
        case skipped
        /// The handlers ran (or a null partition key let it pass).
        case applied
        /// A handler or upcaster faulted (see `fault`), or Rewind is quitting (`interrupted`).
        case stopped
    }

    /// The event's upcasted data and schema version (nil: the stored bytes), or `.failure`
    /// after the fault or interruption has been recorded.
    typealias Upcast = (data: [UInt8], schemaVersion: UInt32)?

    /// Upcasts `view` for this projection; records an upcaster's failure as a fault.
    func upcast(_ view: EventView, type: String, upcaster: Upcaster) -> Result<Upcast, FeedStopped> {
        guard !upcaster.isEmpty else { return .success(nil) }
        do { return .success(try upcaster.upcast(view)) } catch is JQInterrupted {
            markInterrupted()
            return .failure(FeedStopped())
        } catch {
            fail(view, type: type, upcasterError: error)
            return .failure(FeedStopped())
        }
    }

    /// Applies `view` if this projection handles it, else skips it.
    func feed(_ view: EventView, upcaster: Upcaster) -> Fed {
        guard wants(stream: view.stream) else { skip(to: view.position); return .skipped }
        let type = view.type
        guard handles(type) else { skip(to: view.position); return .skipped }
        guard case .success(let upcast) = upcast(view, type: type, upcaster: upcaster) else { return .stopped }
        apply(view, type: type, upcast: upcast)
        return isActive && !interrupted ? .applied : .stopped
    }
}

/// The upcaster stopped the feed (the fault or interruption is on the projector).
struct FeedStopped: Error {}
