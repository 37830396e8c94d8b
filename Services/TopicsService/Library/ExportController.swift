import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import ServiceKit
import SharedModels

/// `GET /api/export?format=csv|json&full=true` with the list's filters: streamed from a Postgres cursor in
/// chunks, so memory stays flat whatever the library's size. Postgres writes each line (CSV fields quoted, quotes
/// doubled: commas, newlines and any Unicode survive), Swift only forwards them.
struct ExportController: Sendable {
    static let chunkBytes = 64 << 10
    /// The standard export: core fields and the 7-layer breakdown.
    static let standardColumns = [
        "id", "topic_name", "taxonomy_type", "parent_category", "subcategory", "subcategory_l1", "subcategory_l2", "subcategory_l3",
        "subcategory_l4", "segment_type", "audience_type", "iab_code", "keywords", "sensitivity", "intensity", "buyer_journey",
        "engine_version", "external_id", "source", "created_at", "updated_at",
    ]
    /// What `full=true` (owners only) adds: DSP names, descriptions, scores and platform outputs.
    static let fullColumns = [
        "segment_name_tradedesk", "segment_name_liveramp", "segment_name_internal", "segment_desc_liveramp", "segment_desc_tradedesk",
        "internal_description", "confidence", "performance_score", "platform_outputs",
    ]

    let client: PostgresClient

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("api/export", use: self.export)
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        var parameters = request.queryDictionary
        let format = parameters["format"] ?? "csv"
        guard format == "csv" || format == "json" else { throw TopicQuery.invalid("format", "format must be csv or json.") }
        let full: Bool
        switch parameters["full"] {
        case nil, "false": full = false
        case "true": full = true
        default: throw TopicQuery.invalid("full", "full must be true or false.")
        }
        if full, caller.role != .owner { throw AppError.forbidden("owner_only", "The full export is for the org's owners.") }
        parameters["page"] = nil
        parameters["pageSize"] = nil
        let query = try TopicQuery(parameters: parameters)
        let (condition, binds) = try query.whereClause(orgID: caller.orgID)
        let columns = full ? Self.standardColumns + Self.fullColumns : Self.standardColumns
        let line = format == "csv" ? Self.csvLine(columns) : TopicJSON.expression
        let sql = PostgresQuery(unsafeSQL: "SELECT \(line) FROM org_topics o WHERE \(condition) ORDER BY \(query.orderBy)", binds: binds)
        let date = Date().formatted(.iso8601.year().month().day().dateSeparator(.omitted))
        let client = self.client
        let logger = context.logger
        let body = ResponseBody { writer in
            var buffer = ByteBuffer()
            buffer.writeString(format == "csv" ? columns.joined(separator: ",") + "\r\n" : "[")
            var first = true
            for try await text in try await client.query(sql, logger: logger).decode(String.self) {
                if format == "json", !first { buffer.writeString(",") }
                first = false
                buffer.writeString(text)
                if format == "csv" { buffer.writeString("\r\n") }
                if buffer.readableBytes >= Self.chunkBytes {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if format == "json" { buffer.writeString("]") }
            try await writer.write(buffer)
            try await writer.finish(nil)
        }
        let filename = "topics-\(date).\(format)"
        return Response(
            status: .ok,
            headers: [
                .contentType: format == "csv" ? "text/csv; charset=utf-8" : "application/json",
                .contentDisposition: "attachment; filename=\"\(filename)\"",
            ],
            body: body
        )
    }

    /// One CSV line per row: every field quoted with its quotes doubled, null as an empty field, keywords
    /// joined by "; ", timestamps in ISO 8601.
    static func csvLine(_ columns: [String]) -> String {
        let fields = columns.map { column -> String in
            let text: String
            switch column {
            case "keywords": text = "array_to_string(o.keywords, '; ')"
            case "created_at", "updated_at": text = SQLTimestamp.iso("o.\(column)")
            default: text = "o.\(column)::text"
            }
            return "COALESCE('\"' || replace(\(text), '\"', '\"\"') || '\"', '')"
        }
        return "concat_ws(',', \(fields.joined(separator: ", ")))"
    }
}
