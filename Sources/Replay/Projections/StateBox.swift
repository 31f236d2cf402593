import JSON
/// One jq state held in a Swift collection: a class box around a (noncopyable) owned jv,
/// freed when the box goes. A partitioned projection keeps one box per key in a Swift
/// dictionary rather than one big jq object, because jq 1.6 copies a container it updates
/// whenever the container is shared, and a state that is copied on every event costs time in
/// proportion to its size.
///
/// Not thread-safe (libjq reference counts are not atomic): confine to the runner's thread.
final class StateBox {
    var value: OwnedJV

    init(_ value: consuming OwnedJV) {
        self.value = value
    }

    /// The state as a JSON value.
    var json: JSONValue { JVConvert.read(value.borrow) }
}
