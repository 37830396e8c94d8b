import HTTPTypes
import Hummingbird
import Logging
import SharedModels

extension HTTPField.Name {
    public static let requestID = Self(InternalHeader.requestID)!
    public static let internalToken = Self(InternalHeader.token)!
    public static let orgID = Self(InternalHeader.orgID)!
    public static let actorID = Self(InternalHeader.actorID)!
    public static let actorType = Self(InternalHeader.actorType)!
    public static let actorRole = Self(InternalHeader.actorRole)!
    public static let serviceName = Self(InternalHeader.serviceName)!
}

/// Takes the caller's `X-Request-Id` when it is sane, or makes one; logs carry it and the response echoes it.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let requestID = request.headers[.requestID].flatMap(Self.accept) ?? RequestID.generate().rawValue
        context.requestID = requestID
        context.logger[metadataKey: "request_id"] = .string(requestID)
        var response = try await next(request, context)
        response.headers[.requestID] = requestID
        return response
    }

    /// Up to 128 characters of letters, digits, `-`, `_`, `.` and `:`; anything else could forge log lines.
    static func accept(_ value: String) -> String? {
        guard !value.isEmpty, value.count <= 128,
            value.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSetASCII.isAlphanumeric($0) || "-_.:".unicodeScalars.contains($0)) })
        else { return nil }
        return value
    }
}

enum CharacterSetASCII {
    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
