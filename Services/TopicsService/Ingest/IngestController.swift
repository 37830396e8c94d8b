import Hummingbird
import ServiceKit
import SharedModels

/// Internal `POST /ingest`: sync-service's pages of mapped records, one outcome per record.
struct IngestController: Sendable {
    let ingester: Ingester

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("ingest", use: self.ingest)
    }

    @Sendable func ingest(_ request: Request, context: AppRequestContext) async throws -> IngestResult {
        let caller = try context.requireCaller()
        let page = try IngestPage(json: try await request.jsonObject(upTo: 16 << 20))
        return try await self.ingester.ingest(page, orgID: caller.orgID, context: context.callContext, logger: context.logger)
    }
}

extension IngestResult: ResponseEncodable {}
