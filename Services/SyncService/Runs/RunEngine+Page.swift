import Connectors
import Foundation
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// One page of a run: fetch, map, ingest, record, and decide whether the data has ended.
extension RunEngine {
    func processPage(
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
                "fetch_ms": "\((fetched - started).milliseconds)", "ingest_ms": "\((ingested - fetched).milliseconds)",
            ]
        )
        return summary
    }

    /// Moves to the next page and decides, explicitly, whether the data has ended: an empty page, the known total
    /// reached, no next cursor, a cursor seen before, or the page bound. A short page alone is not the end.
    func advance(_ run: inout RunRecord, page: SourcePage, config: InboundConfig, on connection: PostgresConnection, logger: Logger) async throws {
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

    static func isRepeated(
        _ cursor: String, previous: String?, run: RunID, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        if cursor == previous { return true }
        return try await RunStore.cursorSeen(cursor, run: run, on: connection, logger: logger)
    }

    /// A page that failed every try: logged in the run's error log; the run goes on with the next page when it can.
    func pageFailed(
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

    func failedInARow(_ run: RunRecord, on connection: PostgresConnection, logger: Logger) async throws -> Int {
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
    func fail(_ run: inout RunRecord, _ error: InboundError) {
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
}
