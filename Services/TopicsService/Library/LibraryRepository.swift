import Foundation
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// Reads and edits of one org's library. Topics come back as the JSON text `TopicJSON` builds.
struct LibraryRepository: Sendable {
    let client: PostgresClient
    let counts: LibraryCache<Int>
    /// Stats and facets, as JSON.
    let summaries: LibraryCache<String>

    /// The page of topics and the total that match, as the list route's JSON. The total comes from `counts` while
    /// the library's version stands; else it is counted at the same time as the page is read, on another connection.
    func list(orgID: OrgID, query: TopicQuery, logger: Logger) async throws -> String {
        let (condition, binds) = try query.whereClause(orgID: orgID)
        let version = try await self.version(orgID: orgID, logger: logger)
        let cached = self.counts.value(for: LibraryCache.Key(orgID: orgID.rawValue, version: version, question: query.filterKey))
        async let counted = cached == nil ? self.count(orgID: orgID, query: query, condition: condition, binds: binds, logger: logger) : nil
        // The page's ids first, off an index alone where one covers the filter and the order; only those rows are
        // then read and turned into JSON, not every row the offset skips.
        let rows = try await self.client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(TopicJSON.expression) FROM (
                        SELECT o.id FROM org_topics o WHERE \(condition)
                        ORDER BY \(query.orderBy) LIMIT \(query.pageSize) OFFSET \((query.page - 1) * query.pageSize)
                    ) page
                    JOIN org_topics o ON o.id = page.id AND o.org_id = $1
                    ORDER BY \(query.orderBy)
                    """,
                binds: binds
            ),
            logger: logger
        )
        var topics: [String] = []
        for try await json in rows.decode(String.self) { topics.append(json) }
        let fresh = try await counted
        let total = cached ?? fresh ?? 0
        let pages = (total + query.pageSize - 1) / query.pageSize
        return #"{"data":["# + topics.joined(separator: ",") + #"],"total":\#(total),"page":\#(query.page),"pageSize":\#(query.pageSize),"totalPages":\#(pages)}"#
    }

    private func version(orgID: OrgID, logger: Logger) async throws -> Int64 {
        let rows = try await self.client.query("SELECT version FROM library_versions WHERE org_id = \(orgID.rawValue)", logger: logger)
        for try await version in rows.decode(Int64.self) { return version }
        return 0
    }

    /// Counts the matches and stores the count under the version it was counted at (read in the same snapshot).
    private func count(orgID: OrgID, query: TopicQuery, condition: String, binds: PostgresBindings, logger: Logger) async throws -> Int {
        let rows = try await self.client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT count(*), COALESCE((SELECT version FROM library_versions WHERE org_id = $1), 0)
                    FROM org_topics o WHERE \(condition)
                    """,
                binds: binds
            ),
            logger: logger
        )
        for try await (total, version) in rows.decode((Int, Int64).self) {
            self.counts.store(total, for: LibraryCache.Key(orgID: orgID.rawValue, version: version, question: query.filterKey))
            return total
        }
        return 0
    }

    func get(orgID: OrgID, id: String, on connection: some PostgresQueryRunner, logger: Logger) async throws -> String? {
        let rows = try await connection.runQuery(
            "SELECT \(unescaped: TopicJSON.expression) FROM org_topics o WHERE o.org_id = \(orgID.rawValue) AND o.id = \(id)", logger: logger
        )
        for try await json in rows.decode(String.self) { return json }
        return nil
    }

    /// Sets the given fields and records what changed; nil when the topic is not in this org's library.
    func update(orgID: OrgID, id: String, fields: [String: JSONValue], actor: String?, logger: Logger) async throws -> String? {
        try await self.client.withTransaction(logger: logger) { connection in
            let current = try await connection.query(
                """
                SELECT to_jsonb(o)::text FROM org_topics o WHERE o.org_id = \(orgID.rawValue) AND o.id = \(id) FOR UPDATE
                """,
                logger: logger
            )
            var before: [String: JSONValue]?
            for try await text in current.decode(String.self) {
                if case .object(let row) = try JSONCoding.decoder.decode(JSONValue.self, from: Data(text.utf8)) { before = row }
            }
            guard let before else { return nil }
            let changed = fields.filter { before[$0.key] != $0.value }
            if !changed.isEmpty {
                let patch = String(decoding: try JSONCoding.encoder.encode(JSONValue.object(changed)), as: UTF8.self)
                // Each column takes the patch's value when the patch names it; `TopicPatch` allows only these.
                try await connection.query(
                    """
                    UPDATE org_topics o SET
                        topic_name = CASE WHEN p ? 'topic_name' THEN p->>'topic_name' ELSE topic_name END,
                        parent_category = CASE WHEN p ? 'parent_category' THEN p->>'parent_category' ELSE parent_category END,
                        taxonomy_type = CASE WHEN p ? 'taxonomy_type' THEN p->>'taxonomy_type' ELSE taxonomy_type END,
                        subcategory = CASE WHEN p ? 'subcategory' THEN p->>'subcategory' ELSE subcategory END,
                        segment_type = CASE WHEN p ? 'segment_type' THEN p->>'segment_type' ELSE segment_type END,
                        audience_type = CASE WHEN p ? 'audience_type' THEN p->>'audience_type' ELSE audience_type END,
                        iab_code = CASE WHEN p ? 'iab_code' THEN p->>'iab_code' ELSE iab_code END,
                        internal_description = CASE WHEN p ? 'internal_description' THEN p->>'internal_description' ELSE internal_description END,
                        external_id = CASE WHEN p ? 'external_id' THEN p->>'external_id' ELSE external_id END,
                        keywords = CASE WHEN p ? 'keywords' THEN ARRAY(SELECT jsonb_array_elements_text(p->'keywords')) ELSE keywords END,
                        updated_at = now()
                    FROM (SELECT \(patch)::jsonb AS p) AS patch
                    WHERE o.org_id = \(orgID.rawValue) AND o.id = \(id)
                    """,
                    logger: logger
                )
                var previous: [String: JSONValue] = [:]
                for key in changed.keys { previous[key] = before[key] ?? .null }
                let entry = HistoryEntry(topicID: id, changeType: "field_edit", previous: previous, new: changed, source: "api")
                try await HistoryEntry.insert([entry], orgID: orgID, actor: actor, on: connection, logger: logger)
            }
            return try await self.get(orgID: orgID, id: id, on: connection, logger: logger)
        }
    }

    /// Removes library links; global topics stay, whoever else uses them.
    func delete(orgID: OrgID, ids: [String], logger: Logger) async throws -> Int {
        let rows = try await self.client.query(
            "DELETE FROM org_topics WHERE org_id = \(orgID.rawValue) AND id = ANY(\(ids)) RETURNING id", logger: logger
        )
        return try await rows.collect().count
    }

    /// Up to 200 entries, newest first, as the seed names their fields; nil when the topic is not in the library.
    func history(orgID: OrgID, id: String, logger: Logger) async throws -> String? {
        guard try await self.get(orgID: orgID, id: id, on: self.client, logger: logger) != nil else { return nil }
        let rows = try await self.client.query(
            """
            SELECT COALESCE(json_agg(json_build_object(
                'id', h.id, 'orgTopicId', h.org_topic_id, 'changeType', h.change_type, 'changedBy', h.changed_by,
                'previousValues', h.previous_values, 'newValues', h.new_values, 'source', h.source, 'metadata', h.metadata,
                'changedAt', \(unescaped: SQLTimestamp.iso("h.changed_at"))
            ) ORDER BY h.changed_at DESC, h.id DESC), '[]')::text
            FROM (
                SELECT * FROM topic_history WHERE org_id = \(orgID.rawValue) AND org_topic_id = \(id)
                ORDER BY changed_at DESC, id DESC LIMIT 200
            ) h
            """,
            logger: logger
        )
        for try await json in rows.decode(String.self) { return json }
        return "[]"
    }

    /// Counts by segment and taxonomy type, from `summaries` while the library's version stands.
    func stats(orgID: OrgID, logger: Logger) async throws -> String {
        try await self.summary(
            "stats",
            sql: """
            SELECT json_build_object(
                'total', (SELECT count(*) FROM org_topics WHERE org_id = $1),
                'bySegmentType', COALESCE((
                    SELECT json_object_agg(segment_type, n ORDER BY segment_type) FROM (
                        SELECT segment_type, count(*) AS n FROM org_topics
                        WHERE org_id = $1 AND segment_type IS NOT NULL GROUP BY segment_type
                    ) s), '{}'),
                'byTaxonomyType', COALESCE((
                    SELECT json_object_agg(taxonomy_type, n ORDER BY taxonomy_type) FROM (
                        SELECT taxonomy_type, count(*) AS n FROM org_topics
                        WHERE org_id = $1 AND taxonomy_type IS NOT NULL GROUP BY taxonomy_type
                    ) t), '{}')
            )::text
            """,
            orgID: orgID, logger: logger
        )
    }

    /// The distinct values of each filterable field in the library, sorted; from `summaries` while the version stands.
    func facets(orgID: OrgID, logger: Logger) async throws -> String {
        let facets = [
            ("parentCategories", "parent_category"), ("taxonomyTypes", "taxonomy_type"), ("subcategories", "subcategory"),
            ("subcategoryL1s", "subcategory_l1"), ("subcategoryL2s", "subcategory_l2"), ("subcategoryL3s", "subcategory_l3"),
            ("subcategoryL4s", "subcategory_l4"), ("audienceTypes", "audience_type"), ("segmentTypes", "segment_type"),
        ]
        let fields = facets.map { name, column in
            "'\(name)', COALESCE(array_agg(DISTINCT \(column) ORDER BY \(column)) FILTER (WHERE \(column) IS NOT NULL), '{}')"
        }
        return try await self.summary(
            "facets", sql: "SELECT json_build_object(\(fields.joined(separator: ", ")))::text FROM org_topics WHERE org_id = $1",
            orgID: orgID, logger: logger
        )
    }

    /// The JSON that `sql` (one row, one text column, the org as `$1`) makes of the library, cached under the version
    /// read in the same snapshot.
    private func summary(_ name: String, sql: String, orgID: OrgID, logger: Logger) async throws -> String {
        let current = try await self.version(orgID: orgID, logger: logger)
        if let cached = self.summaries.value(for: LibraryCache.Key(orgID: orgID.rawValue, version: current, question: name)) { return cached }
        var binds = PostgresBindings()
        binds.append(orgID.rawValue)
        let rows = try await self.client.query(
            PostgresQuery(
                unsafeSQL: "SELECT (\(sql)), COALESCE((SELECT version FROM library_versions WHERE org_id = $1), 0)",
                binds: binds
            ),
            logger: logger
        )
        for try await (json, version) in rows.decode((String, Int64).self) {
            self.summaries.store(json, for: LibraryCache.Key(orgID: orgID.rawValue, version: version, question: name))
            return json
        }
        return "{}"
    }
}
