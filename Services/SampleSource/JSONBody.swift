import Foundation
import Hummingbird

/// Builds JSON responses with exactly `Content-Type: application/json`, as the imitated API sends it.
enum JSONBody {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return self.response(ByteBuffer(bytes: try encoder.encode(value)), status: status)
    }

    static func response(_ buffer: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: buffer))
    }

    /// Decodes a request body of at most 1 MiB, answering 400 `{"error":"…"}` when it does not fit `type`.
    static func decode<Value: Decodable>(_ type: Value.Type, from request: Request) async throws -> Value {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        do {
            return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw SampleSourceError.badRequest("invalid JSON body: \(error)")
        }
    }
}
