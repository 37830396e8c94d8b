import Crypto
import Foundation
import Hummingbird
import Logging
import SharedModels

/// Guards an internal service: every route but `/health` and `/metrics` needs the shared `X-Internal-Token`.
/// The caller the gateway established travels in `X-Org-Id` and `X-Actor-*`; it becomes `context.caller`.
public struct InternalAuthMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let token: String
    static let openPaths: Set<String> = ["/health", "/metrics"]

    public init(token: String) {
        self.token = token
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.openPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        guard let presented = request.headers[.internalToken] else {
            throw AppError.unauthorized("internal_token_required", "This is an internal service: call it through the gateway.")
        }
        guard ConstantTime.equals(presented, self.token) else {
            throw AppError.unauthorized("invalid_internal_token", "The internal token is not valid.")
        }
        var context = context
        context.caller = try Self.caller(from: request.headers)
        if let caller = context.caller {
            context.logger[metadataKey: "org_id"] = .string(caller.orgID.rawValue)
        }
        return try await next(request, context)
    }

    /// The forwarded caller, or nil when the call is service-to-service with no org (an admin task).
    static func caller(from headers: HTTPFields) throws -> Caller? {
        guard let rawOrg = headers[.orgID] else { return nil }
        guard let orgID = OrgID(rawValue: rawOrg) else {
            throw AppError.badRequest("invalid_org_id", "X-Org-Id is not a valid organisation id.")
        }
        let actorType = headers[.actorType].flatMap(Caller.ActorType.init(rawValue:)) ?? .apiKey
        let role = headers[.actorRole].flatMap(Role.init(rawValue:)) ?? .member
        return Caller(orgID: orgID, actorID: headers[.actorID] ?? "", actorType: actorType, role: role, scopes: [])
    }
}

public enum ConstantTime {
    /// Compares digests so the time taken says nothing about how much of the secret matched.
    public static func equals(_ lhs: String, _ rhs: String) -> Bool {
        SHA256.hash(data: Data(lhs.utf8)) == SHA256.hash(data: Data(rhs.utf8))
    }
}
