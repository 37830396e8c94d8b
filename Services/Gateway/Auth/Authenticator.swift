import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceKit
import SharedModels

/// Who is calling: an API key (`Authorization: Bearer txadv_…`) or a login session (the `ah_session` cookie).
struct Authenticator: Sendable {
    static let sessionCookie = "ah_session"

    let accounts: AccountRepository
    let rateLimiter: RateLimiter

    /// The caller, checked against what the route needs, and counted against its key's rate limit.
    /// Also returns the rate-limit headers to put on the answer.
    func authorize(_ request: Request, access: Access, logger: Logger) async throws -> (Caller, HTTPFields) {
        if let bearer = Self.bearerToken(request) {
            guard bearer.hasPrefix(Secrets.apiKeyPrefix), let key = try await self.accounts.liveAPIKey(hash: Secrets.hash(bearer), logger: logger) else {
                throw AppError.unauthorized("invalid_api_key", "The API key is not valid or has been revoked.")
            }
            let caller = Caller(
                orgID: key.orgID, actorID: key.summary.id.rawValue, actorType: .apiKey, role: key.role, scopes: Set(key.summary.scopes)
            )
            try Self.check(caller, against: access)
            let decision = self.rateLimiter.take(key: key.summary.id.rawValue, limitPerMinute: key.summary.rateLimitPerMinute)
            let headers: HTTPFields = [
                .rateLimitLimit: String(key.summary.rateLimitPerMinute), .rateLimitRemaining: String(decision.remaining),
            ]
            guard decision.allowed else {
                var error = AppError.tooManyRequests(
                    "rate_limited", "Rate limit of \(key.summary.rateLimitPerMinute) requests a minute exceeded for this API key.",
                    retryAfterSeconds: decision.retryAfter
                )
                error.headers.append(contentsOf: headers)
                throw error
            }
            return (caller, headers)
        }
        let user = try await self.sessionUser(request, logger: logger)
        let caller = Caller(orgID: user.orgID, actorID: user.id.rawValue, actorType: .session, role: user.role, scopes: Set(Scope.allCases))
        try Self.check(caller, against: access)
        return (caller, [:])
    }

    /// The user of the request's login session; 401 without a live one.
    func sessionUser(_ request: Request, logger: Logger) async throws -> UserRecord {
        guard let token = request.cookies[Self.sessionCookie]?.value, !token.isEmpty else {
            if Self.bearerToken(request) != nil {
                throw AppError.forbidden("session_required", "This route needs an interactive session; API keys cannot use it.")
            }
            throw AppError.unauthorized("missing_credentials", "Send an API key (Authorization: Bearer txadv_…) or log in.")
        }
        guard let user = try await self.accounts.sessionUser(tokenHash: Secrets.hash(token), logger: logger) else {
            throw AppError.unauthorized("invalid_session", "The session has expired or was logged out; log in again.")
        }
        return user
    }

    static func check(_ caller: Caller, against access: Access) throws {
        switch access {
        case .scope(let scope):
            guard caller.scopes.contains(scope) else {
                throw AppError.forbidden(
                    "insufficient_scope", "This API key lacks the \(scope.rawValue) scope.", details: .object(["required_scope": .string(scope.rawValue)])
                )
            }
        case .session:
            guard caller.actorType == .session else {
                throw AppError.forbidden("session_required", "This route needs an interactive session; API keys cannot use it.")
            }
        }
    }

    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }
}

extension HTTPField.Name {
    static let rateLimitLimit = Self("X-RateLimit-Limit")!
    static let rateLimitRemaining = Self("X-RateLimit-Remaining")!
}
