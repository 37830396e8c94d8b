import Connectors
import Foundation
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// The sync loop's one step, shared by client-driven runs and jobs: prepare a run (read its settings, its
/// watermark and the total), or process its next page. Each step runs under the run's row lock and commits
/// once, so a page is processed exactly once however many callers race, and a run resumes where its last
/// committed step left it.
struct RunEngine: Sendable {
    static let maxPagesWithoutConfig = 100_000
    /// With no known total, a run stops after this many failed offset pages in a row.
    static let maxFailedPagesInARow = 3

    let store: RunStore
    let connections: ConnectionsClient
    let topics: TopicsClient
    let fetcher: PageFetcher
    let stages: LiveStages
    /// How long a job's lease lasts after each step.
    let leaseSeconds: Int

    /// Prepares the run if it is new, else processes its next page. `kind` is who is asking: a client may not
    /// drive a job, nor a worker a client's run.
    func step(_ id: RunID, orgID: OrgID, as kind: RunRecord.Kind, context: CallContext, logger: Logger) async throws -> SyncRunStatus {
        let logger = logger.with(run: id)
        return try await self.store.client.withTransaction(logger: logger) { connection in
            var run = try await RunStore.lock(id, orgID: orgID, on: connection, logger: logger)
            guard run.kind == kind else {
                throw AppError.conflict("run_is_a_job", "This run is driven by sync-service (POST /api/sync); follow it with GET /api/sync/status.")
            }
            guard run.status == .running else { return run.status() }
            let source = try await self.connections.source(run.connectionID, context: context, logger: logger)
            var summary: SyncPageSummary?
            if run.pageSize == nil {
                try await self.prepare(&run, source: source, on: connection, logger: logger)
            } else {
                summary = try await self.processPage(&run, source: source, on: connection, context: context, logger: logger)
            }
            if run.status.isFinal {
                try await self.finish(&run, on: connection, logger: logger)
            } else {
                run.stage = "fetching"
            }
            // The answer carries the end time as Postgres stored it, so a later status call says exactly the same.
            run.completedAt = try await RunStore.save(run, leaseSeconds: self.leaseSeconds, on: connection, logger: logger)
            return run.status(lastPage: summary)
        }
    }

    // MARK: Preparing

    /// Settings, incremental filter and total. A count of 0 ends the run at once; a count that cannot be read
    /// fails it with the reason.
    func prepare(_ run: inout RunRecord, source: SourceConnection, on connection: PostgresConnection, logger: Logger) async throws {
        self.stages.set(run.id, "counting")
        let config = source.config
        run.pageSize = source.pageSize
        run.syncMode = config.syncMode.rawValue
        if config.syncMode == .incremental, config.incrementalField != nil, !run.force,
            let stored = try await RunStore.watermark(run.connectionID, on: connection, logger: logger)
        {
            run.watermarkFrom = Watermark.filter(stored, lookbackSeconds: config.incrementalLookbackSeconds)
        }
        do {
            run.totalItems = try await self.count(run, source: source, logger: logger)
        } catch let error as InboundError {
            self.fail(&run, error)
            run.status = .failed
            return
        } catch let error as PageError {
            run.message = error.message
            run.errorCode = "PLATFORM_ERROR"
            run.status = .failed
            return
        }
        if run.totalItems == 0 {
            run.message = config.countEndpoint == nil
                ? "The API reported 0 records: check the connection's filters."
                : "Count endpoint returned 0: the count endpoint or count response path may be misconfigured, or the API has no matching records. Check the API filters."
            run.status = .completed
        }
        logger.info("sync run prepared", metadata: ["total_items": "\(run.totalItems.map(String.init) ?? "unknown")", "sync_mode": "\(run.syncMode)"])
    }

    /// The total from the count endpoint, else from the first page when a count path is set (that page is kept for
    /// the first page call), else nil.
    func count(_ run: RunRecord, source: SourceConnection, logger: Logger) async throws -> Int? {
        let config = source.config
        if let body = try await self.fetcher.fetcher.fetchCount(config, auth: source.auth, extraQuery: self.filter(run, config), logger: logger) {
            if let path = config.countResponsePath {
                guard let value = JSONPath(path)?.evaluate(body) else {
                    throw PageError("Count response path '\(path)' matched nothing in the count endpoint's response.")
                }
                guard let count = SourcePage.count(value) else { throw PageError("Count response path '\(path)' is not a whole number.") }
                return count
            }
            guard let count = SourcePage.count(body) else {
                throw PageError("The count endpoint did not answer a number; set count_response_path to where the total is (e.g. data.total).")
            }
            return count
        }
        guard config.countResponsePath != nil else { return nil }
        let first = self.position(run, config)
        let body = try await self.fetcher.page(first, self.request(run, source: source), logger: logger)
        self.fetcher.keep(body, at: first, run: run.id)
        return (try? SourcePage(body, config: config))?.total
    }
    // MARK: The end

    /// Completed, or failed when every page failed; a count that does not match what was fetched is said on the
    /// run; the incremental mark moves only after a complete, clean run.
    func finish(_ run: inout RunRecord, on connection: PostgresConnection, logger: Logger) async throws {
        if run.status == .completed, run.processedPages > 0, run.failedPages == run.processedPages { run.status = .failed }
        if let total = run.totalItems, total != run.fetchedCount, run.status != .cancelled {
            run.append("The count endpoint reported \(total) records but \(run.fetchedCount) were fetched.")
        }
        if run.status == .completed, run.failedPages == 0, let seen = run.watermarkSeen {
            try await RunStore.storeWatermark(Watermark.stored(seen, runStartedAt: run.startedAt), run: run, on: connection, logger: logger)
        }
        run.stage = "done"
        run.completedAt = Date()
        self.stages.clear(run.id)
        self.fetcher.forget(run.id)
        logger.info(
            "sync run finished",
            metadata: [
                "status": "\(run.status.rawValue)", "fetched": "\(run.fetchedCount)", "new": "\(run.newCount)", "adopted": "\(run.adoptedCount)",
                "duplicates": "\(run.duplicateCount)", "errors": "\(run.errorCount)", "failed_pages": "\(run.failedPages)",
            ]
        )
    }

    // MARK: Helpers

    func position(_ run: RunRecord, _ config: InboundConfig) -> InboundFetcher.PagePosition {
        config.paginationType == .offset ? .offset(run.nextOffset) : .cursor(run.nextCursor)
    }

    func filter(_ run: RunRecord, _ config: InboundConfig) -> [String: String] {
        guard let mark = run.watermarkFrom, let field = config.incrementalParam ?? config.incrementalField else { return [:] }
        return [field: mark]
    }

    func request(_ run: RunRecord, source: SourceConnection) -> PageFetcher.Request {
        PageFetcher.Request(
            run: run.id, source: source, extraQuery: self.filter(run, source.config), limit: run.pageSize ?? source.pageSize, total: run.totalItems
        )
    }

    /// Identifies a page by its size and its first and last records, to notice an API that repeats a page.
    static func fingerprint(_ records: [JSONValue]) -> String? {
        guard let first = records.first, let last = records.last else { return nil }
        // FNV-1a, the same in every process (Swift's `Hasher` is seeded per process).
        let hash = HashEmbedding.fnv1a(RecordMapper.raw(first) + "\n" + RecordMapper.raw(last))
        return "\(records.count):\(String(hash, radix: 16))"
    }
}

extension RunRecord {
    /// Adds a sentence to the run's message.
    mutating func append(_ sentence: String) {
        self.message = self.message.map { "\($0) \(sentence)" } ?? sentence
    }
}

extension Logger {
    func with(run: RunID) -> Logger {
        var logger = self
        logger[metadataKey: "run_id"] = "\(run.rawValue)"
        return logger
    }
}
