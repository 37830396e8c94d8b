import Foundation
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// Runs a page through dedup, classification and the library, in one transaction, once: a retried or
/// concurrent call for the same `(run_id, page_number)` gets the stored outcome and changes nothing.
struct Ingester: Sendable {
    let client: PostgresClient
    let catalog: CatalogIndex
    let classifier: ClassifierClient

    func ingest(_ page: IngestPage, orgID: OrgID, context: CallContext, logger: Logger) async throws -> IngestResult {
        if let key = page.key, let stored = try await self.stored(key, on: self.client, logger: logger) { return stored }
        let clock = ContinuousClock()
        let started = clock.now
        let byExternalID = try await self.externalIDs(page, orgID: orgID, logger: logger)
        let known = clock.now
        let plan = IngestPlan(page, byExternalID: byExternalID, catalog: self.catalog)
        let planned = clock.now
        let unclassified = try await self.unclassifiedGlobals(plan, logger: logger)
        let (classifications, backfill) = try await self.classify(page, plan: plan, unclassified: unclassified, context: context, logger: logger)
        let classified = clock.now
        let (result, added): (IngestResult, [(GlobalTopicID, String)]) = try await self.client.withTransaction(logger: logger) { connection in
            if let key = page.key {
                // The page's row is its lock: a concurrent call for the same page waits here until this one
                // commits, then finds the row and replays what it stored.
                let claimed = try await connection.query(
                    """
                    INSERT INTO ingest_pages (run_id, page_number, org_id) VALUES (\(key.runID.rawValue), \(key.pageNumber), \(orgID.rawValue))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """,
                    logger: logger
                )
                if try await claimed.collect().isEmpty {
                    guard let stored = try await self.stored(key, on: connection, logger: logger) else {
                        throw AppError.conflict("page_in_progress", "This page is being ingested; try again.")
                    }
                    return (stored, [])
                }
            }
            var writer = LibraryWriter(connection: connection, orgID: orgID, actor: context.caller?.actorID, logger: logger)
            try await writer.backfill(backfill)
            let (outcomes, added) = try await writer.apply(page, plan: plan, classifications: classifications)
            let result = IngestResult(outcomes: outcomes, replayed: false)
            if let key = page.key {
                let json = String(decoding: try JSONCoding.encoder.encode(result.outcomes), as: UTF8.self)
                try await connection.query(
                    """
                    UPDATE ingest_pages SET outcome = \(json)::jsonb WHERE run_id = \(key.runID.rawValue) AND page_number = \(key.pageNumber)
                    """,
                    logger: logger
                )
            }
            return (result, added)
        }
        let written = clock.now
        for (id, normalizedName) in added { self.catalog.add(id, normalizedName: normalizedName) }
        logger.info(
            "records ingested",
            metadata: [
                "external_ids_ms": "\((known - started).milliseconds)", "dedup_ms": "\((planned - known).milliseconds)",
                "classify_ms": "\((classified - planned).milliseconds)", "write_ms": "\((written - classified).milliseconds)",
                "index_ms": "\((clock.now - written).milliseconds)",
                "source": "\(page.source)", "run_id": "\(page.key?.runID.rawValue ?? "-")", "page": "\(page.key?.pageNumber ?? 0)",
                "replayed": "\(result.replayed)", "new": "\(result.count(.new))", "adopted": "\(result.count(.adopted))",
                "duplicate": "\(result.count(.duplicate))", "error": "\(result.count(.error))",
            ]
        )
        return result
    }

    private func stored(_ key: (runID: RunID, pageNumber: Int), on connection: some PostgresQueryRunner, logger: Logger) async throws -> IngestResult? {
        let rows = try await connection.runQuery(
            "SELECT outcome::text FROM ingest_pages WHERE run_id = \(key.runID.rawValue) AND page_number = \(key.pageNumber) AND outcome IS NOT NULL",
            logger: logger
        )
        for try await text in rows.decode(String.self) {
            return IngestResult(outcomes: try JSONCoding.decoder.decode([RecordOutcome].self, from: Data(text.utf8)), replayed: true)
        }
        return nil
    }

    private func externalIDs(_ page: IngestPage, orgID: OrgID, logger: Logger) async throws -> [String: OrgTopicID] {
        let ids = page.records.compactMap { try? $0.get().externalID }
        guard !ids.isEmpty else { return [:] }
        // One index probe per id, as a subquery the planner cannot turn into a join: with `external_id = ANY(…)` it
        // chose, while a new source's rows were not analysed yet, to read all of the source's ids and filter them
        // (68 ms a page at 50,000 ids, growing with the source; 7 ms this way).
        let rows = try await self.client.query(
            """
            SELECT external_id, id FROM (
                SELECT e.external_id, (
                    SELECT o.id FROM org_topics o
                    WHERE o.org_id = \(orgID.rawValue) AND o.source = \(page.source) AND o.external_id = e.external_id
                ) AS id
                FROM unnest(\(ids)::text[]) AS e(external_id)
            ) AS found
            WHERE id IS NOT NULL
            """,
            logger: logger
        )
        var found: [String: OrgTopicID] = [:]
        for try await (externalID, id) in rows.decode((String, String).self) { found[externalID] = OrgTopicID(rawValue: id) }
        return found
    }

    /// Matched global topics that have no stored classification yet (catalog rows older than stored
    /// classifications): they are classified with the page's new names and keep that classification.
    private func unclassifiedGlobals(_ plan: IngestPlan, logger: Logger) async throws -> [(GlobalTopicID, String)] {
        let ids = plan.decisions.compactMap { decision -> String? in
            if case .catalog(let id) = decision { id.rawValue } else { nil }
        }
        guard !ids.isEmpty else { return [] }
        let rows = try await self.client.query(
            "SELECT id, topic_name FROM global_topics WHERE id = ANY(\(ids)) AND classification IS NULL", logger: logger
        )
        var found: [(GlobalTopicID, String)] = []
        for try await (id, name) in rows.decode((String, String).self) {
            if let id = GlobalTopicID(rawValue: id) { found.append((id, name)) }
        }
        return found
    }

    /// Classifications (JSON) of the records new to the catalog, by record index (a name the classifier refused is an
    /// error), and of the unclassified global topics.
    private func classify(
        _ page: IngestPage, plan: IngestPlan, unclassified: [(GlobalTopicID, String)], context: CallContext, logger: Logger
    ) async throws -> ([Int: Result<String, IngestPage.RecordError>], [GlobalTopicID: String]) {
        let indexes = plan.newRecords.filter { (try? page.records[$0].get()) != nil }
        let items = indexes.compactMap { index in
            (try? page.records[index].get()).map { ClassifyItem(topicName: $0.topicName, description: $0.description) }
        }
        let all = items + unclassified.map { ClassifyItem(topicName: $0.1) }
        guard !all.isEmpty else { return ([:], [:]) }
        let outcomes = try await self.classifier.classifyAsJSON(all, llm: page.llm, context: context, logger: logger)
        var classified: [Int: Result<String, IngestPage.RecordError>] = [:]
        for (index, outcome) in zip(indexes, outcomes) {
            switch outcome {
            case .classified(let classification): classified[index] = .success(classification)
            case .failed(let error): classified[index] = .failure(IngestPage.RecordError(reason: "classification failed: \(error.message)"))
            }
        }
        var backfill: [GlobalTopicID: String] = [:]
        for ((id, _), outcome) in zip(unclassified, outcomes.dropFirst(items.count)) {
            if case .classified(let classification) = outcome { backfill[id] = classification }
        }
        return (classified, backfill)
    }
}

/// What both a pool client and a transaction's connection can run.
protocol PostgresQueryRunner {
    func runQuery(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence
}

extension PostgresClient: PostgresQueryRunner {
    func runQuery(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

extension PostgresConnection: PostgresQueryRunner {
    func runQuery(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}
