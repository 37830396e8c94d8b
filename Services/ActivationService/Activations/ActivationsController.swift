import Connectors
import Hummingbird
import Logging
import ServiceKit
import SharedModels

/// `GET /api/activations`, `POST /api/activations/deactivate` (many), `POST /api/activations/:id/deactivate` (one),
/// and the internal `GET /activation-status` behind topics-service's `GET /api/topics/activation-status`.
struct ActivationsController: Sendable {
    static let maxDeactivate = 100
    static let maxRefresh = 500
    static let statuses: Set<String> = ["active", "pending_review", "processing", "inactive"]

    struct Deactivated: Sendable, Encodable, ResponseEncodable {
        var deactivated: Int
        var failed: [Failure]

        struct Failure: Sendable, Encodable {
            var id: String
            var code: String
            var message: String
        }
    }

    /// `POST /api/activations/refresh`: what the platform now says of the segments that waited on it.
    struct Refreshed: Sendable, Encodable, ResponseEncodable {
        var checked: Int
        var changed: Int
        var failed: Int
        var statuses: [String: Int]
    }

    let store: ActivationStore
    let connections: OutboundConnections
    let library: LibraryClient
    let clients: PlatformClients
    let pusher: BatchPusher

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("api/activations", use: self.list)
        router.post("api/activations/deactivate", use: self.deactivateMany)
        router.post("api/activations/{id}/deactivate", use: self.deactivateOne)
        router.post("api/activations/refresh", use: self.refresh)
        router.get("activation-status", use: self.activationStatus)
    }

    /// Filters `connectionId`, `topicId`, `platform`, `status`; `page` and `pageSize` (≤ 100) as the Topics API has them.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let query = request.queryDictionary
        let known: Set<String> = ["connectionId", "topicId", "platform", "status", "page", "pageSize"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw Self.invalid(unknown, "\(unknown) is not a filter of activations (\(known.sorted().joined(separator: ", "))).")
        }
        let page = try Self.int(query["page"], "page", 1...1_000_000, default: 1)
        let pageSize = try Self.int(query["pageSize"], "pageSize", 1...100, default: 25)
        if let status = query["status"], !Self.statuses.contains(status) {
            throw Self.invalid("status", "status must be one of \(Self.statuses.sorted().joined(separator: ", ")).")
        }
        if let platform = query["platform"], Platform(rawValue: platform) == nil {
            throw Self.invalid("platform", "platform must be one of \(Platform.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let filters = ActivationStore.Filters(connectionID: query["connectionId"], topicID: query["topicId"], platform: query["platform"], status: query["status"])
        let (rows, total) = try await self.store.list(orgID: caller.orgID, filters: filters, page: page, pageSize: pageSize, logger: context.logger)
        let pages = (total + pageSize - 1) / pageSize
        return Response.json(#"{"data":\#(rows),"total":\#(total),"page":\#(page),"pageSize":\#(pageSize),"totalPages":\#(pages)}"#)
    }

    /// `{ids}`: at most 100 activations, each withdrawn from its platform; failures are listed, not thrown.
    @Sendable func deactivateMany(_ request: Request, context: AppRequestContext) async throws -> Deactivated {
        let caller = try context.requireCaller()
        let body = try await request.jsonObject(upTo: 1 << 20)
        guard case .array(let values)? = body["ids"], !values.isEmpty, values.count <= Self.maxDeactivate else {
            throw Self.invalid("ids", "ids must be a list of 1 to \(Self.maxDeactivate) activation ids.")
        }
        let ids = values.compactMap { value -> String? in if case .string(let id) = value { id } else { nil } }
        guard ids.count == values.count else { throw Self.invalid("ids", "Every id must be a string.") }
        return try await self.deactivate(Array(Set(ids)).sorted(), caller: caller, context: context)
    }

    @Sendable func deactivateOne(_ request: Request, context: AppRequestContext) async throws -> Deactivated {
        let caller = try context.requireCaller()
        let id = try context.parameters.require("id")
        let result = try await self.deactivate([id], caller: caller, context: context)
        if let failure = result.failed.first, failure.code == "activation_not_found" { throw AppError.notFound(failure.code, failure.message) }
        return result
    }

    /// `{connectionId}`: reads from the platform up to 500 of the connection's activations that wait on it (LiveRamp's
    /// review, Index Exchange's ingestion), oldest first, and records the status it reports.
    @Sendable func refresh(_ request: Request, context: AppRequestContext) async throws -> Refreshed {
        let caller = try context.requireCaller()
        let body = try await request.jsonObject(upTo: 1 << 16)
        guard case .string(let raw)? = body["connectionId"], let connectionID = ConnectionID(rawValue: raw) else {
            throw Self.invalid("connectionId", "connectionId must be an outbound connection's id.")
        }
        let destination = try await self.connections.destination(connectionID, context: context.callContext, logger: context.logger)
        let client: any PlatformClient
        do {
            client = try self.clients.client(for: destination.secrets, logger: context.logger)
        } catch {
            throw AppError.conflict(error.code, error.message)
        }
        let waiting = try await self.store.waiting(orgID: caller.orgID, connectionID: raw, limit: Self.maxRefresh, logger: context.logger)
        var statuses: [String: String] = [:]
        var failed = 0
        for activation in waiting {
            guard let id = activation.platformSegmentID else { continue }
            do {
                let status = Self.activationStatus(platformStatus: try await client.getSegment(id)?.status)
                if let status, status != activation.status { statuses[activation.id] = status }
            } catch {
                failed += 1
                context.logger.warning("activation not refreshed", metadata: ["activation_id": "\(activation.id)", "error": "\(error)"])
            }
        }
        try await self.store.setStatuses(statuses, logger: context.logger)
        var counts: [String: Int] = [:]
        for activation in waiting { counts[statuses[activation.id] ?? activation.status, default: 0] += 1 }
        return Refreshed(checked: waiting.count, changed: statuses.count, failed: failed, statuses: counts)
    }

    /// Our status for a platform's word: waiting words stay waiting, refusals and withdrawals are inactive, a segment
    /// the platform no longer has is inactive; nil for a word we do not know (the status is left as it was).
    static func activationStatus(platformStatus: String?) -> String? {
        guard let status = platformStatus?.lowercased() else { return "inactive" }
        if status.contains("review") || status.contains("pending") { return "pending_review" }
        if status.contains("processing") { return "processing" }
        if ["inactive", "rejected", "paused", "withdrawn", "deleted", "archived"].contains(status) { return "inactive" }
        return status == "active" ? "active" : nil
    }

    @Sendable func activationStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        return Response.json(try await self.store.statusByTopic(orgID: caller.orgID, logger: context.logger))
    }

    /// Withdraws each activation through its connection's platform client, then marks the ones that succeeded inactive
    /// and records `deactivated` in their topics' history.
    private func deactivate(_ ids: [String], caller: Caller, context: AppRequestContext) async throws -> Deactivated {
        let found = try await self.store.find(orgID: caller.orgID, ids: ids, logger: context.logger)
        var failed = Set(ids).subtracting(found.map(\.id)).sorted().map {
            Deactivated.Failure(id: $0, code: "activation_not_found", message: "No activation \($0) in this organisation.")
        }
        var done: [Activation.Located] = []
        for (connectionID, activations) in Dictionary(grouping: found.filter { $0.status != "inactive" }, by: \.connectionID) {
            let outcomes = await self.withdraw(activations, connectionID: connectionID, context: context)
            for (activation, outcome) in zip(activations, outcomes) {
                if let failure = outcome.failure {
                    failed.append(Deactivated.Failure(id: activation.id, code: failure.code, message: failure.message))
                } else {
                    done.append(activation)
                }
            }
        }
        try await self.store.markInactive(ids: done.map(\.id), logger: context.logger)
        let changes = done.map { activation in
            LibraryClient.HistoryChange(
                topicID: activation.topicID, changeType: "deactivated",
                values: [
                    "connection_id": .string(activation.connectionID), "segment_name": .string(activation.name), "status": "inactive",
                    "platform_segment_id": activation.platformSegmentID.map(JSONValue.string) ?? .null,
                ]
            )
        }
        await self.library.record(changes, context: context.callContext, logger: context.logger)
        let alreadyInactive = found.filter { $0.status == "inactive" }.count
        return Deactivated(deactivated: done.count + alreadyInactive, failed: failed)
    }

    private func withdraw(_ activations: [Activation.Located], connectionID: String, context: AppRequestContext) async -> [ItemOutcome] {
        let items = activations.enumerated().map { position, activation in
            ClaimedItem(
                position: position, topicID: activation.topicID, action: .deactivate, name: activation.name, description: "", engineVersion: "",
                platformSegmentID: activation.platformSegmentID, attempts: 1
            )
        }
        do {
            guard let id = ConnectionID(rawValue: connectionID) else { throw PlatformError(code: "connection_not_found", message: "No connection \(connectionID).") }
            let destination = try await self.connections.destination(id, context: context.callContext, logger: context.logger)
            let client = try self.clients.client(for: destination.secrets, logger: context.logger)
            let terms = BatchPusher.Terms(cpmCents: 0, currency: "USD", dataSourceLocation: destination.config.dataSourceLocation)
            return await self.pusher.push(items, to: client, terms: terms)
        } catch let error as AppError {
            return items.map { .failed($0, PlatformError(code: error.code, message: error.message)) }
        } catch {
            return items.map { .failed($0, error) }
        }
    }

    static func int(_ raw: String?, _ name: String, _ range: ClosedRange<Int>, default value: Int) throws -> Int {
        guard let raw else { return value }
        guard let number = Int(raw), range.contains(number) else { throw Self.invalid(name, "\(name) must be from \(range.lowerBound) to \(range.upperBound).") }
        return number
    }

    private static func invalid(_ field: String, _ message: String) -> AppError {
        AppError.badRequest("invalid_parameter", message, details: .object(["field": .string(field)]))
    }
}
