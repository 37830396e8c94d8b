import Connectors
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceKit
import SharedModels

/// The Connections API for the calling org. The gateway lets only sessions reach the writes and the test.
struct ConnectionsController: Sendable {
    let repository: ConnectionRepository
    let tester: ConnectionTester

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("api/connections")
        group.get(use: self.list)
        group.post(use: self.create)
        group.get("{id}", use: self.show)
        group.patch("{id}", use: self.patch)
        group.put("{id}", use: self.replace)
        group.delete("{id}", use: self.delete)
        group.post("{id}/test", use: self.test)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> [Connection] {
        let caller = try context.requireCaller()
        let direction = try Self.filter(request, "direction", Direction.self)
        let platform = try Self.filter(request, "platform", Platform.self)
        return try await self.repository.list(orgID: caller.orgID, direction: direction, platform: platform, logger: context.logger)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Connection> {
        let caller = try context.requireCaller()
        let draft = try Self.validated(try await request.jsonObject(upTo: 1 << 20), requireCredentials: true)
        let connection = try await self.repository.create(orgID: caller.orgID, draft: draft, logger: context.logger)
        context.logger.info("connection created", metadata: ["connection_id": "\(connection.id)", "platform": "\(connection.platform.rawValue)"])
        return EditedResponse(status: .created, response: connection)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Connection {
        let caller = try context.requireCaller()
        return try await self.repository.find(id: try Self.id(context), orgID: caller.orgID, logger: context.logger)
    }

    @Sendable func patch(_ request: Request, context: AppRequestContext) async throws -> Connection {
        let caller = try context.requireCaller()
        let patch = try await request.jsonObject(upTo: 1 << 20)
        guard !patch.isEmpty else { throw AppError.badRequest("empty_update", "Nothing to update: the body has no fields.") }
        let connection = try await self.repository.update(id: try Self.id(context), orgID: caller.orgID, logger: context.logger) { current in
            let body = ConnectionPatch.merged(current, patch: patch)
            return try Self.validated(body, requireCredentials: ConnectionPatch.needsCredentials(current, body: patch))
        }
        context.logger.info("connection updated", metadata: ["connection_id": "\(connection.id)"])
        return connection
    }

    @Sendable func replace(_ request: Request, context: AppRequestContext) async throws -> Connection {
        let caller = try context.requireCaller()
        let body = try await request.jsonObject(upTo: 1 << 20)
        let connection = try await self.repository.update(id: try Self.id(context), orgID: caller.orgID, logger: context.logger) { current in
            try Self.validated(body, requireCredentials: ConnectionPatch.needsCredentials(current, body: body))
        }
        context.logger.info("connection replaced", metadata: ["connection_id": "\(connection.id)"])
        return connection
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> [String: Bool] {
        let caller = try context.requireCaller()
        let id = try Self.id(context)
        try await self.repository.delete(id: id, orgID: caller.orgID, logger: context.logger)
        context.logger.info("connection deleted", metadata: ["connection_id": "\(id)"])
        return ["deleted": true]
    }

    @Sendable func test(_ request: Request, context: AppRequestContext) async throws -> ConnectionTestResult {
        let caller = try context.requireCaller()
        let id = try Self.id(context)
        let secrets = try await self.repository.secrets(id: id, orgID: caller.orgID, logger: context.logger)
        let result = await self.tester.test(secrets, context: context.callContext, logger: context.logger)
        _ = try await self.repository.recordTest(id: id, orgID: caller.orgID, error: result.success ? nil : result.error, logger: context.logger)
        context.logger.info(
            "connection tested", metadata: ["connection_id": "\(id)", "success": "\(result.success)", "code": "\(result.code ?? "")"]
        )
        return result
    }

    static func validated(_ body: [String: JSONValue], requireCredentials: Bool) throws -> ConnectionDraft {
        do {
            return try ConnectionValidator.validate(body, requireCredentials: requireCredentials)
        } catch let error as ConnectionValidationError {
            let first = error.errors.first.map { "\($0.field) \($0.reason)" } ?? "invalid connection"
            throw AppError.badRequest("invalid_connection", "Invalid connection: \(first).", details: FieldError.details(error.errors))
        }
    }

    static func id(_ context: AppRequestContext) throws -> ConnectionID {
        let raw = try context.parameters.require("id")
        // An id that cannot exist is simply not found: the answer never says more than "not in your org".
        guard let id = ConnectionID(rawValue: raw) else { throw AppError.notFound("connection_not_found", "No connection \(raw) in this organisation.") }
        return id
    }

    static func filter<T: RawRepresentable & CaseIterable>(_ request: Request, _ name: String, _ type: T.Type) throws -> T?
    where T.RawValue == String {
        guard let raw = request.uri.queryParameters.get(name) else { return nil }
        guard let value = T(rawValue: raw) else {
            throw AppError.badRequest(
                "invalid_parameter", "\(name) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")).",
                details: .object(["field": .string(name)])
            )
        }
        return value
    }
}

extension Connection: ResponseEncodable {}
extension ConnectionTestResult: ResponseEncodable {}
extension ConnectionSecrets: ResponseEncodable {}
