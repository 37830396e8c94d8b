import Foundation
import Hummingbird
import SharedModels

/// Who a request acts for: set by the gateway after authentication, read from internal headers by the services.
public struct Caller: Sendable, Equatable {
    public enum ActorType: String, Sendable {
        case session
        case apiKey = "api_key"
    }

    public var orgID: OrgID
    public var actorID: String
    public var actorType: ActorType
    public var role: Role
    public var scopes: Set<Scope>

    public init(orgID: OrgID, actorID: String, actorType: ActorType, role: Role, scopes: Set<Scope>) {
        self.orgID = orgID
        self.actorID = actorID
        self.actorType = actorType
        self.role = role
        self.scopes = scopes
    }
}

/// The request context of every service: the request id and, once known, the caller.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.caller = nil
    }

    public var requestDecoder: AppRequestDecoder { AppRequestDecoder() }
    public var responseEncoder: JSONEncoder { JSONCoding.encoder }

    /// The caller, or 401 when the route needs one and none was established.
    public func requireCaller() throws -> Caller {
        guard let caller = self.caller else {
            throw AppError.unauthorized("unauthenticated", "This route needs an authenticated caller.")
        }
        return caller
    }

    /// What an outgoing internal call must carry to act for the same caller under the same request id.
    public var callContext: CallContext { CallContext(requestID: self.requestID, caller: self.caller) }
}

/// The request id and caller that an internal call propagates.
public struct CallContext: Sendable {
    public var requestID: String
    public var caller: Caller?

    public init(requestID: String, caller: Caller?) {
        self.requestID = requestID
        self.caller = caller
    }
}

/// `request.decode(as:context:)`: JSON through `JSONCoding.decoder`, with U+0000 refused (see `NULCharacter`).
public struct AppRequestDecoder: RequestDecoder {
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        try NULCharacter.refuse(inJSON: buffer)
        return try JSONCoding.decoder.decode(type, from: Data(buffer.readableBytesView))
    }
}
