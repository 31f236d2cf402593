import EventLog
import Replay

extension LogSource {
    /// Runs a `:find` search on this source's thread (libjq's), posting `FindUpdate`s as it
    /// goes: every batch of matches and every few thousand events, so the count grows on
    /// screen; `shouldStop` (a newer search, or Esc) is asked as often.
    func find(_ query: FindQuery, post: (Message) -> Void, shouldStop: () -> Bool) {
        guard !query.predicate.isEmpty else { return }
        let head = log.head
        var update = FindUpdate(id: query.id, head: head)
        func send(done: Bool) {
            update.done = done
            post(.findUpdated(update))
            update.newMatches.removeAll(keepingCapacity: true)
        }
        do {
            let finder = try EventFinder(predicate: query.predicate, options: FindOptions(limit: FindResults.cap), limits: config.limits)
            var found = 0
            let summary = try finder.run(log, progress: { position in
                update.reached = position
                send(done: false)
                return !shouldStop()
            }) { view in
                found += 1
                update.newMatches.append(EventRef(
                    position: view.position, stream: view.stream, version: view.version, type: view.type, micros: view.originalMicros))
                if update.newMatches.count >= 200 {
                    update.reached = view.position
                    send(done: false)
                    return !shouldStop()
                }
                return true
            }
            update.reached = summary.cancelled ? summary.reached : head
            update.errors = summary.errors
            update.firstError = summary.firstError
            update.capped = found >= FindResults.cap
            send(done: !summary.cancelled)
        } catch let error as JQError {
            update.failure = "the predicate does not compile: \(error.message)"
            send(done: true)
        } catch is JQInterrupted {
            return
        } catch {
            update.failure = Self.describe(error)
            send(done: true)
        }
    }
}
