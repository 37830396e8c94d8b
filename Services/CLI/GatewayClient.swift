import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SharedModels

/// The public API behind the gateway, called with an API key. Any answer but the expected JSON becomes a `GatewayError`.
struct GatewayClient: Sendable {
    let baseURL: String
    private let apiKey: String
    private let httpClient: HTTPClient

    init(baseURL: String, apiKey: String, httpClient: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.httpClient = httpClient
    }

    func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, body: Data? = nil, timeout: TimeAmount = .seconds(30), as type: Response.Type = Response.self
    ) async throws -> Response {
        var request = HTTPClientRequest(url: self.baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(self.apiKey)")
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: Int
        let bytes: ByteBuffer
        do {
            let response = try await self.httpClient.execute(request, timeout: timeout)
            status = Int(response.status.code)
            bytes = try await response.body.collect(upTo: 4 << 20)
        } catch {
            throw GatewayError.unreachable("\(method) \(path): \(error)")
        }
        return try Self.decode(type, status: status, body: Data(bytes.readableBytesView))
    }

    static func decode<Response: Decodable>(_ type: Response.Type, status: Int, body: Data) throws -> Response {
        guard (200..<300).contains(status) else {
            if let envelope = try? JSONCoding.decoder.decode(ErrorEnvelope.self, from: body) {
                throw GatewayError.status(status, code: envelope.error.code, message: envelope.error.message, details: envelope.error.details)
            }
            let text = String(decoding: body.prefix(200), as: UTF8.self)
            let message = text.isEmpty ? HTTPResponseStatus(statusCode: status).reasonPhrase : text
            throw GatewayError.status(status, code: "http_\(status)", message: message, details: nil)
        }
        do {
            return try JSONCoding.decoder.decode(type, from: body)
        } catch {
            throw GatewayError.malformed("\(Response.self): \(error)")
        }
    }
}
