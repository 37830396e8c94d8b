import Foundation
import Hummingbird
import NIOCore
import SharedModels

extension Request {
    /// The body as a JSON object, for routes that check fields one by one (and refuse unknown ones) rather than
    /// decode a fixed type; anything else is a 400 `invalid_json`. With `emptyIsObject`, no body at all reads as `{}`.
    public func jsonObject(upTo maxBytes: Int, emptyIsObject: Bool = false) async throws -> [String: JSONValue] {
        let buffer = try await self.body.collect(upTo: maxBytes)
        if emptyIsObject, buffer.readableBytes == 0 { return [:] }
        try NULCharacter.refuse(inJSON: buffer)
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)) else {
            throw AppError.badRequest("invalid_json", "The body must be a JSON object.")
        }
        return object
    }

    /// The body decoded as `T` (internal routes' typed bodies, which may be larger than the context's default
    /// upload limit); anything unreadable is a 400 `invalid_json`.
    public func decodeJSON<T: Decodable>(_ type: T.Type, upTo maxBytes: Int) async throws -> T {
        let buffer = try await self.body.collect(upTo: maxBytes)
        try NULCharacter.refuse(inJSON: buffer)
        do {
            return try JSONCoding.decoder.decode(type, from: Data(buffer.readableBytesView))
        } catch {
            throw AppError.badRequest("invalid_json", "The body is not the JSON this route takes.")
        }
    }
}
