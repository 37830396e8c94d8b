import SharedModels
import Synchronization

/// What was read of an org's library (a filter's count, its stats), by org, library version and what was asked:
/// exact while the version stands, since every write to an org's topics moves it on (migration 005's triggers).
/// Paging through one filter counts it once.
final class LibraryCache<Value: Sendable>: Sendable {
    struct Key: Hashable, Sendable {
        let orgID: String
        let version: Int64
        let question: String
    }

    /// Past this many values the cache starts over: old versions' values are never asked for again.
    private static var capacity: Int { 4096 }
    private let values = Mutex<[Key: Value]>([:])

    func value(for key: Key) -> Value? {
        self.values.withLock { $0[key] }
    }

    func store(_ value: Value, for key: Key) {
        self.values.withLock { values in
            if values.count >= Self.capacity { values.removeAll(keepingCapacity: true) }
            values[key] = value
        }
    }
}
