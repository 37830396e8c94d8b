import Logging
import ServiceKit
import SharedModels

/// topics-service's internal `POST /ingest`: dedup, classification and insertion of one page, once per
/// `(run_id, page_number)` however often it is asked.
struct TopicsClient: Sendable {
    struct Page: Encodable {
        var runID: RunID
        var pageNumber: Int
        var mode: String
        var source: String
        var records: [[String: JSONValue]]

        enum CodingKeys: String, CodingKey {
            case runID = "run_id", pageNumber = "page_number", mode, source, records
        }
    }

    let client: InternalClient

    func ingest(_ page: Page, context: CallContext, logger: Logger) async throws -> IngestResult {
        try await self.client.post("/ingest", page, as: IngestResult.self, context: context, logger: logger)
    }
}
