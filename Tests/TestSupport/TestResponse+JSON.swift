import Foundation
import HummingbirdTesting
import NIOCore
import ServiceKit
import SharedModels
import Testing

extension TestResponse {
    /// The body decoded as the services encode it; records an issue with the raw body when it does not decode.
    public func json<T: Decodable>(_ type: T.Type, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        do {
            return try JSONCoding.decoder.decode(type, from: Data(self.body.readableBytesView))
        } catch {
            Issue.record("cannot decode \(type): \(String(buffer: self.body))", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// The error code of an error envelope, or nil when the body is not one.
    public var errorCode: String? {
        (try? JSONCoding.decoder.decode(ErrorEnvelope.self, from: Data(self.body.readableBytesView)))?.error.code
    }
}

extension ByteBuffer {
    public static func json<T: Encodable>(_ value: T) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONCoding.encoder.encode(value))
    }
}

/// A fresh, unique string for names and emails, so tests sharing the database never collide.
public func unique(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}
