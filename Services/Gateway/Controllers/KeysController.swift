import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceKit
import SharedModels

/// `GET/POST /api/keys`, `DELETE /api/keys/{id}`: managed from a login session only; the secret is shown once.
struct KeysController: Sendable {
    let accounts: AccountRepository
    let authenticator: Authenticator
    let defaultRateLimitPerMinute: Int

    /// What a key request may say before it is trusted: scopes arrive as strings so a wrong one gets its own code.
    struct CreateBody: Decodable {
        var name: String
        var scopes: [String]
        var rateLimitPerMinute: Int?

        enum CodingKeys: String, CodingKey {
            case name, scopes
            case rateLimitPerMinute = "rate_limit_per_minute"
        }
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("api/keys")
        group.get(use: self.list)
        group.post(use: self.create)
        group.delete("{id}", use: self.revoke)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> APIKeyList {
        let user = try await self.authenticator.sessionUser(request, logger: context.logger)
        return APIKeyList(data: try await self.accounts.apiKeys(orgID: user.orgID, logger: context.logger))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CreatedAPIKey> {
        let user = try await self.authenticator.sessionUser(request, logger: context.logger)
        let body = try await request.decode(as: CreateBody.self, context: context)
        let (name, scopes, limit) = try self.validate(body)
        let key = Secrets.newAPIKey()
        let summary = try await self.accounts.createAPIKey(
            id: .generate(), orgID: user.orgID, createdBy: user.id, name: name, key: key, scopes: scopes, rateLimitPerMinute: limit,
            logger: context.logger
        )
        context.logger.info("api key created", metadata: ["key_id": "\(summary.id)", "user_id": "\(user.id)"])
        return EditedResponse(status: .created, response: CreatedAPIKey(key: key, apiKey: summary))
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> [String: String] {
        let user = try await self.authenticator.sessionUser(request, logger: context.logger)
        let raw = try context.parameters.require("id")
        guard let id = APIKeyID(rawValue: raw), try await self.accounts.revokeAPIKey(id: id, orgID: user.orgID, logger: context.logger) else {
            throw AppError.notFound("api_key_not_found", "No API key \(raw) in this organisation.")
        }
        context.logger.info("api key revoked", metadata: ["key_id": "\(id)", "user_id": "\(user.id)"])
        return ["id": id.rawValue, "status": "revoked"]
    }

    func validate(_ body: CreateBody) throws -> (String, [Scope], Int) {
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else {
            throw AppError.badRequest("invalid_name", "name must be 1 to 100 characters.", details: .object(["field": .string("name")]))
        }
        let unknown = body.scopes.filter { Scope(rawValue: $0) == nil }
        guard unknown.isEmpty else {
            throw AppError.badRequest(
                "invalid_scope", "Unknown scope: \(unknown.joined(separator: ", ")).",
                details: .object(["field": .string("scopes"), "allowed": .array(Scope.allCases.map { .string($0.rawValue) })])
            )
        }
        let scopes = Array(Set(body.scopes.compactMap(Scope.init(rawValue:)))).sorted()
        guard !scopes.isEmpty else {
            throw AppError.badRequest("invalid_scope", "A key needs at least one scope.", details: .object(["field": .string("scopes")]))
        }
        let limit = body.rateLimitPerMinute ?? self.defaultRateLimitPerMinute
        guard (1...100_000).contains(limit) else {
            throw AppError.badRequest(
                "invalid_rate_limit", "rate_limit_per_minute must be between 1 and 100000.",
                details: .object(["field": .string("rate_limit_per_minute")])
            )
        }
        return (name, scopes, limit)
    }
}
