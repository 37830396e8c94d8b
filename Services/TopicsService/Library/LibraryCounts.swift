import SharedModels
import Synchronization

/// How many topics match a filter, by org, library version and filter: exact while the version stands, since every
/// write to an org's topics moves it on (migration 005's triggers). Paging through one filter counts it once.
final class LibraryCounts: Sendable {
    struct Key: Hashable, Sendable {
        let orgID: String
        let version: Int64
        let filter: String
    }

    /// Past this many counts the cache starts over: old versions' counts are never asked for again.
    private static let capacity = 4096
    private let counts = Mutex<[Key: Int]>([:])

    func count(for key: Key) -> Int? {
        self.counts.withLock { $0[key] }
    }

    func store(_ count: Int, for key: Key) {
        self.counts.withLock { counts in
            if counts.count >= Self.capacity { counts.removeAll(keepingCapacity: true) }
            counts[key] = count
        }
    }
}
