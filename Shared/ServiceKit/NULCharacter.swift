import Foundation
import Hummingbird
import NIOCore

/// U+0000 cannot be stored in Postgres text or jsonb, so a request carrying it anywhere a service might store it
/// (its path, its query, its JSON body) is a 400 `invalid_text` here rather than a database error later.
public enum NULCharacter {
    public static let error = AppError.badRequest("invalid_text", "Text cannot contain the NUL character (U+0000).")

    /// Whether JSON text holds a `\u0000` escape: one whose backslash is not itself escaped. (JSON cannot hold a raw
    /// NUL byte inside a string, and outside strings there are no backslashes.)
    static func isEscaped(in json: UnsafeRawBufferPointer) -> Bool {
        let escape = Array(#"\u0000"#.utf8)
        var backslashes = 0
        var index = json.startIndex
        while index != json.endIndex {
            let byte = json[index]
            if byte == UInt8(ascii: "\\") {
                if backslashes % 2 == 0, json[index...].starts(with: escape) { return true }
                backslashes += 1
            } else {
                backslashes = 0
            }
            index = json.index(after: index)
        }
        return false
    }

    public static func refuse(inJSON json: ByteBuffer) throws {
        if json.withUnsafeReadableBytes(Self.isEscaped) { throw Self.error }
    }
}

/// Refuses a path or query string holding U+0000 (percent-encoded as `%00`) before any route sees it.
public struct NULCharacterMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !request.uri.description.contains("%00") else { throw NULCharacter.error }
        return try await next(request, context)
    }
}
