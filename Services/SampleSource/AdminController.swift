import Foundation
import Hummingbird
import Logging

/// The routes under `/admin` that tests and the demo use to switch faults on, change records and read counters.
struct AdminController: Sendable {
    /// Body of `POST /admin/records`: `{"add": n, "touch": [i, …]}`, both optional.
    struct RecordsWrite: Decodable {
        var add: Int?
        var touch: [Int]?
    }

    struct RecordsTotal: Encodable {
        let total: Int
    }

    let store: SegmentStore
    let faults: FaultBoard
    let stats: TrafficStats

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("faults", use: self.showFaults)
        group.put("faults", use: self.replaceFaults)
        group.delete("faults", use: self.clearFaults)
        group.post("records", use: self.writeRecords)
        group.get("stats", use: self.showStats)
        group.post("stats/reset", use: self.resetStats)
    }

    @Sendable func showFaults(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONBody.response(self.faults.current)
    }

    @Sendable func replaceFaults(_ request: Request, context: AppRequestContext) async throws -> Response {
        let set = try await JSONBody.decode(FaultSet.self, from: request)
        try set.validate()
        self.faults.replace(with: set)
        context.logger.info("faults replaced", metadata: ["faults": "\(set.faults.count)", "rate_limit": "\(set.rateLimitPerSecond ?? 0)"])
        return try JSONBody.response(set)
    }

    @Sendable func clearFaults(_ request: Request, context: AppRequestContext) async throws -> Response {
        self.faults.replace(with: FaultSet())
        return try JSONBody.response(FaultSet())
    }

    @Sendable func writeRecords(_ request: Request, context: AppRequestContext) async throws -> Response {
        let write = try await JSONBody.decode(RecordsWrite.self, from: request)
        let total = try self.store.write(add: write.add ?? 0, touch: write.touch ?? [], now: Date())
        return try JSONBody.response(RecordsTotal(total: total))
    }

    @Sendable func showStats(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONBody.response(self.stats.snapshot)
    }

    @Sendable func resetStats(_ request: Request, context: AppRequestContext) async throws -> Response {
        self.stats.reset()
        return try JSONBody.response(self.stats.snapshot)
    }
}
