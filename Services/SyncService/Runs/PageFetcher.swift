import Connectors
import Logging
import SharedModels
import Synchronization

/// Fetches a run's pages through the retrying fetcher and, in offset mode with a known total, starts the next
/// `ahead` pages in the background while the current one is ingested. Pages are still committed one by one in
/// order: this only takes the wait for the customer's API off the critical path.
final class PageFetcher: Sendable {
    struct Key: Hashable, Sendable {
        var run: RunID
        var position: InboundFetcher.PagePosition
    }

    struct Request: Sendable {
        var run: RunID
        var source: SourceConnection
        var extraQuery: [String: String]
        var limit: Int
        var total: Int?
    }

    let fetcher: InboundFetcher
    let ahead: Int
    private let pending = Mutex<[Key: Task<JSONValue, any Error>]>([:])

    init(fetcher: InboundFetcher, ahead: Int) {
        self.fetcher = fetcher
        self.ahead = ahead
    }

    func page(_ position: InboundFetcher.PagePosition, _ request: Request, logger: Logger) async throws -> JSONValue {
        let key = Key(run: request.run, position: position)
        let task = self.pending.withLock { $0.removeValue(forKey: key) } ?? self.start(position, request, logger: logger)
        if case .offset(let offset) = position, let total = request.total, self.ahead > 0 {
            for step in 1...self.ahead {
                let next = offset + step * request.limit
                guard next < total else { break }
                let nextKey = Key(run: request.run, position: .offset(next))
                let missing = self.pending.withLock { $0[nextKey] == nil }
                if missing {
                    let started = self.start(.offset(next), request, logger: logger)
                    self.pending.withLock { $0[nextKey] = $0[nextKey] ?? started }
                }
            }
        }
        return try await task.value
    }

    /// Keeps a page fetched before the run's pages start (the first page read for its total).
    func keep(_ body: JSONValue, at position: InboundFetcher.PagePosition, run: RunID) {
        self.pending.withLock { $0[Key(run: run, position: position)] = Task { body } }
    }

    /// Drops what was fetched ahead for a run that has ended.
    func forget(_ run: RunID) {
        let dropped = self.pending.withLock { pending in
            let keys = pending.keys.filter { $0.run == run }
            return keys.compactMap { pending.removeValue(forKey: $0) }
        }
        for task in dropped { task.cancel() }
    }

    private func start(_ position: InboundFetcher.PagePosition, _ request: Request, logger: Logger) -> Task<JSONValue, any Error> {
        let fetcher = self.fetcher
        return Task {
            try await fetcher.fetchPage(
                request.source.config, auth: request.source.auth, position: position, limit: request.limit, extraQuery: request.extraQuery, logger: logger
            )
        }
    }
}

/// What each run this process is working on is doing right now (`counting`, `fetching`, `deduplicating`, …), for
/// `GET /api/sync/status`; between pages the stored stage is the truth.
final class LiveStages: Sendable {
    private let stages = Mutex<[RunID: String]>([:])

    init() {}

    func set(_ run: RunID, _ stage: String) { self.stages.withLock { $0[run] = stage } }
    func clear(_ run: RunID) { _ = self.stages.withLock { $0.removeValue(forKey: run) } }
    func stage(_ run: RunID) -> String? { self.stages.withLock { $0[run] } }
}
