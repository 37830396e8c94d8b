import Foundation
import Synchronization

/// The mutable part of the data set: each record's `updated_at`, and the serving order (updated_at, then id).
/// Everything else about record i is derived from i by `SegmentCatalog`, so two million records cost 16 bytes each.
final class SegmentStore: Sendable {
    /// Ids have seven digits.
    static let maxRecords = 10_000_000

    struct Entry: Sendable {
        let index: Int
        let updatedAt: Int64
    }

    struct Slice: Sendable {
        /// Records matching the filter, not just this slice.
        let total: Int
        let entries: [Entry]
    }

    private struct State {
        var updatedAt: [Int64]
        /// Record indices sorted by (updated_at, index). Writes stamp a time later than every existing one, so
        /// keeping it sorted means moving the touched indices to the end.
        var order: [Int]

        /// First position in `order` whose record has `updated_at >= since`.
        func start(since: Int64?) -> Int {
            guard let since else { return 0 }
            var low = 0
            var high = self.order.count
            while low < high {
                let middle = (low + high) / 2
                if self.updatedAt[self.order[middle]] < since { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    private let state: Mutex<State>

    init(count: Int) {
        self.state = Mutex(State(updatedAt: (0..<Int64(count)).map { Timestamp.start + $0 }, order: Array(0..<count)))
    }

    func page(since: Int64?, offset: Int, limit: Int) -> Slice {
        self.state.withLock { state in
            let start = state.start(since: since)
            let total = state.order.count - start
            let from = start + min(offset, total)
            let to = from + min(limit, state.order.count - from)
            return Slice(total: total, entries: state.order[from..<to].map { Entry(index: $0, updatedAt: state.updatedAt[$0]) })
        }
    }

    func count(since: Int64?) -> Int {
        self.state.withLock { $0.order.count - $0.start(since: since) }
    }

    /// Appends `add` records and stamps them and the `touch` indices with `now`, or with one second after the latest
    /// existing `updated_at` if the clock is behind it, so an incremental sync always sees the change. Returns the total.
    func write(add: Int, touch: [Int], now: Date) throws -> Int {
        try self.state.withLock { state in
            let count = state.updatedAt.count
            guard add >= 0, count + add <= Self.maxRecords else {
                throw SampleSourceError.badRequest("add must be between 0 and \(Self.maxRecords - count)")
            }
            if let bad = touch.first(where: { !(0..<count).contains($0) }) {
                throw SampleSourceError.badRequest("touch index \(bad) is outside 0..<\(count)")
            }
            let latest = state.order.last.map { state.updatedAt[$0] } ?? Timestamp.start
            let stamp = max(Int64(now.timeIntervalSince1970), latest + 1)
            let touched = Set(touch)
            if !touched.isEmpty {
                state.order.removeAll(where: touched.contains)
                state.order.append(contentsOf: touched.sorted())
                for index in touched { state.updatedAt[index] = stamp }
            }
            state.updatedAt.append(contentsOf: repeatElement(stamp, count: add))
            state.order.append(contentsOf: count..<(count + add))
            return state.updatedAt.count
        }
    }
}
