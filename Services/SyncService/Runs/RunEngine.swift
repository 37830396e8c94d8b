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
            try await RunStore.save(run, leaseSeconds: self.leaseSeconds, on: connection, logger: logger)
            return run.status(lastPage: summary)
        }
    }

    // MARK: Preparing

    /// Settings, incremental filter and total. A count of 0 ends the run at once; a count that cannot be read
    /// fails it with the reason.
    private func prepare(_ run: inout RunRecord, source: SourceConnection, on connection: PostgresConnection, logger: Logger) async throws {
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
    private func count(_ run: RunRecord, source: SourceConnection, logger: Logger) async throws -> Int? {
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

    // MARK: One page

    private func processPage(
        _ run: inout RunRecord, source: SourceConnection, on connection: PostgresConnection, context: CallContext, logger: Logger
    ) async throws -> SyncPageSummary {
        let config = source.config
        let number = run.nextPage
        let position = self.position(run, config)
        self.stages.set(run.id, "fetching")
        let clock = ContinuousClock()
        let started = clock.now
        let page: SourcePage
        do {
            page = try SourcePage(try await self.fetcher.page(position, self.request(run, source: source), logger: logger), config: config)
        } catch let error as InboundError {
            return try await self.pageFailed(&run, number: number, position: position, error: error, config: config, on: connection, logger: logger)
        } catch let error as PageError {
            let failure = InboundError(code: "invalid_page", message: error.message)
            return try await self.pageFailed(&run, number: number, position: position, error: failure, config: config, on: connection, logger: logger)
        }

        let fingerprint = Self.fingerprint(page.records)
        if let fingerprint, fingerprint == run.lastPageHash {
            run.append("The API answered the same page twice (page \(number + 1)); it may ignore the '\(config.paginationParams.offsetParam)' or '\(config.paginationParams.cursorParam)' parameter. Stopped rather than load it again.")
            run.status = .completed
            return SyncPageSummary(pageNumber: number, records: 0, new: 0, adopted: 0, duplicates: 0, errors: 0, failed: false, error: nil)
        }

        let fetched = clock.now
        let (mapped, failures, watermark) = RecordMapper(config: config).map(page.records)
        var errors = failures.map { RunStore.ErrorEntry(pageNumber: number, recordIndex: $0.index, externalId: $0.externalID, reason: $0.reason, raw: $0.raw) }
        var counts: [RecordOutcome.Kind: Int] = [:]
        if !mapped.isEmpty {
            self.stages.set(run.id, "deduplicating")
            let result = try await self.topics.ingest(
                TopicsClient.Page(runID: run.id, pageNumber: number, mode: run.mode, source: source.connection.name, records: mapped.map(\.fields)),
                context: context, logger: logger
            )
            self.stages.set(run.id, "inserting")
            for outcome in result.outcomes {
                counts[outcome.outcome, default: 0] += 1
                guard outcome.outcome == .error else { continue }
                let record = mapped.indices.contains(outcome.index) ? mapped[outcome.index] : nil
                errors.append(
                    RunStore.ErrorEntry(
                        pageNumber: number, recordIndex: record?.index, externalId: record?.externalID, reason: outcome.reason ?? "rejected by topics-service",
                        raw: record.flatMap { page.records.indices.contains($0.index) ? RecordMapper.raw(page.records[$0.index]) : nil }
                    )
                )
            }
        }
        let ingested = clock.now
        let summary = SyncPageSummary(
            pageNumber: number, records: page.records.count, new: counts[.new, default: 0], adopted: counts[.adopted, default: 0],
            duplicates: counts[.duplicate, default: 0], errors: failures.count + counts[.error, default: 0], failed: false, error: nil
        )
        try await RunStore.insertPage(
            RunStore.PageRow(pageNumber: number, offset: run.nextOffset, cursor: run.nextCursor, summary: summary), run: run.id, on: connection, logger: logger
        )
        try await RunStore.appendErrors(errors, run: run.id, on: connection, logger: logger)

        run.processedPages += 1
        run.nextPage += 1
        run.fetchedCount += page.records.count
        run.newCount += summary.new
        run.adoptedCount += summary.adopted
        run.duplicateCount += summary.duplicates
        run.errorCount += summary.errors
        run.lastPageHash = fingerprint
        if run.totalItems == nil, let total = page.total { run.totalItems = total }
        if let watermark, Watermark.isNewer(watermark, than: run.watermarkSeen) { run.watermarkSeen = watermark }
        try await self.advance(&run, page: page, config: config, on: connection, logger: logger)
        // Where a page's time goes: waiting for the customer's API (less when it was fetched ahead), mapping,
        // and topics-service's ingest (dedup, classification, insert and the HTTP hop).
        logger.info(
            "sync page committed",
            metadata: [
                "page": "\(number)", "records": "\(summary.records)", "new": "\(summary.new)", "errors": "\(summary.errors)",
                "fetch_ms": "\(Self.milliseconds(fetched - started))", "ingest_ms": "\(Self.milliseconds(ingested - fetched))",
            ]
        )
        return summary
    }

    /// Moves to the next page and decides, explicitly, whether the data has ended: an empty page, the known total
    /// reached, no next cursor, a cursor seen before, or the page bound. A short page alone is not the end.
    private func advance(_ run: inout RunRecord, page: SourcePage, config: InboundConfig, on connection: PostgresConnection, logger: Logger) async throws {
        let maxPages = config.maxPages ?? Self.maxPagesWithoutConfig
        switch config.paginationType {
        case .offset:
            run.nextOffset += page.records.count
            if page.records.isEmpty || run.totalItems.map({ run.nextOffset >= $0 }) == true { run.status = .completed }
        case .cursor:
            let previous = run.nextCursor
            run.nextCursor = page.nextCursor
            if page.records.isEmpty || page.nextCursor == nil {
                run.status = .completed
            } else if let next = page.nextCursor, try await Self.isRepeated(next, previous: previous, run: run.id, on: connection, logger: logger) {
                run.append("The API returned cursor '\(next.prefix(40))' a second time; stopped rather than loop over the same pages.")
                run.status = .completed
            }
        }
        if !run.status.isFinal, run.nextPage >= maxPages {
            run.append("Stopped after \(maxPages) pages (max_pages).")
            run.status = .completed
        }
    }

    private static func isRepeated(
        _ cursor: String, previous: String?, run: RunID, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        if cursor == previous { return true }
        return try await RunStore.cursorSeen(cursor, run: run, on: connection, logger: logger)
    }

    /// A page that failed every try: logged in the run's error log; the run goes on with the next page when it can.
    private func pageFailed(
        _ run: inout RunRecord, number: Int, position: InboundFetcher.PagePosition, error: InboundError, config: InboundConfig,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> SyncPageSummary {
        logger.warning("sync page failed", metadata: ["page": "\(number)", "code": "\(error.code)", "error": "\(error.message)"])
        let summary = SyncPageSummary(pageNumber: number, records: 0, new: 0, adopted: 0, duplicates: 0, errors: 0, failed: true, error: error.message)
        try await RunStore.insertPage(
            RunStore.PageRow(pageNumber: number, offset: run.nextOffset, cursor: run.nextCursor, summary: summary), run: run.id, on: connection, logger: logger
        )
        try await RunStore.appendErrors(
            [RunStore.ErrorEntry(pageNumber: number, recordIndex: nil, externalId: nil, reason: "Page \(number + 1) failed: \(error.message)", raw: nil)],
            run: run.id, on: connection, logger: logger
        )
        run.processedPages += 1
        run.failedPages += 1
        run.nextPage += 1
        self.fail(&run, error)
        switch (error.code, config.paginationType) {
        case ("unauthorized", _), ("rate_limited", _):
            // Every later page would fail the same way.
            run.status = .completed
        case (_, .cursor):
            run.append("The pages after page \(number + 1) are reached only through its cursor, so the run stopped there.")
            run.status = .completed
        case (_, .offset):
            run.nextOffset += run.pageSize ?? config.paginationParams.pageSize
            if let total = run.totalItems {
                if run.nextOffset >= total { run.status = .completed }
            } else if try await self.failedInARow(run, on: connection, logger: logger) >= Self.maxFailedPagesInARow {
                run.append("Stopped after \(Self.maxFailedPagesInARow) pages in a row failed, with no total to say how many remain.")
                run.status = .completed
            }
        }
        return summary
    }

    private func failedInARow(_ run: RunRecord, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            """
            SELECT failed FROM sync_run_pages WHERE run_id = \(run.id.rawValue) ORDER BY page_number DESC LIMIT \(Self.maxFailedPagesInARow)
            """,
            logger: logger
        )
        var count = 0
        for try await failed in rows.decode(Bool.self) {
            guard failed else { break }
            count += 1
        }
        return count
    }

    /// Records why the customer's API failed, as the job API's error codes name it.
    private func fail(_ run: inout RunRecord, _ error: InboundError) {
        switch error.code {
        case "unauthorized":
            run.errorCode = "AUTH_ERROR"
            run.append("Authentication failed: the credentials expired or were revoked. Edit the connection and run Test Connection. (\(error.message))")
        case "rate_limited":
            run.errorCode = "RATE_LIMIT"
            run.retryAfter = error.retryAfterSeconds
            run.append("\(error.message); try again later.")
        case "timeout":
            run.errorCode = "PLATFORM_ERROR"
            run.append("Page fetch timeout: \(error.message). Check the API's health and sync again.")
        default:
            run.errorCode = "PLATFORM_ERROR"
            if run.pageSize == nil || run.processedPages == 0 { run.append(error.message) }
        }
    }

    // MARK: The end

    /// Completed, or failed when every page failed; a count that does not match what was fetched is said on the
    /// run; the incremental mark moves only after a complete, clean run.
    private func finish(_ run: inout RunRecord, on connection: PostgresConnection, logger: Logger) async throws {
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

    private func position(_ run: RunRecord, _ config: InboundConfig) -> InboundFetcher.PagePosition {
        config.paginationType == .offset ? .offset(run.nextOffset) : .cursor(run.nextCursor)
    }

    private func filter(_ run: RunRecord, _ config: InboundConfig) -> [String: String] {
        guard let mark = run.watermarkFrom, let field = config.incrementalParam ?? config.incrementalField else { return [:] }
        return [field: mark]
    }

    private func request(_ run: RunRecord, source: SourceConnection) -> PageFetcher.Request {
        PageFetcher.Request(
            run: run.id, source: source, extraQuery: self.filter(run, source.config), limit: run.pageSize ?? source.pageSize, total: run.totalItems
        )
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// Identifies a page by its size and its first and last records, to notice an API that repeats a page.
    static func fingerprint(_ records: [JSONValue]) -> String? {
        guard let first = records.first, let last = records.last else { return nil }
        var hasher = FNV1a()
        hasher.add(RecordMapper.raw(first))
        hasher.add(RecordMapper.raw(last))
        return "\(records.count):\(String(hasher.value, radix: 16))"
    }
}

/// A hash that is the same in every process (Swift's `Hasher` is seeded per process).
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            self.value ^= UInt64(byte)
            self.value &*= 0x0000_0100_0000_01b3
        }
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
