import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import SharedModels

/// Calls one internal service: round-robin over its replicas, a timeout and a body limit on every call,
/// and the internal token, request id and caller on every request.
public struct InternalClient: Sendable {
    /// The service this client calls.
    public let service: ServiceName
    /// The service making the calls, sent as `X-Service-Name`.
    let caller: ServiceName
    let endpoints: ServiceEndpoints
    let httpClient: HTTPClient
    let token: String
    let timeout: TimeAmount
    let maxResponseBytes: Int

    public init(
        service: ServiceName, from caller: ServiceName, endpoints: ServiceEndpoints, httpClient: HTTPClient = .shared, token: String,
        timeout: TimeAmount = .seconds(30), maxResponseBytes: Int = 32 << 20
    ) {
        self.service = service
        self.caller = caller
        self.endpoints = endpoints
        self.httpClient = httpClient
        self.token = token
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    public struct Reply: Sendable {
        public var status: HTTPResponseStatus
        public var body: ByteBuffer

        /// Decodes a 2xx body, or rethrows the service's own error envelope as an `AppError`.
        public func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONCoding.decoder.decode(type, from: Data(self.successfulBody().readableBytesView))
        }

        /// The body of a 2xx reply, or the service's own error envelope rethrown as an `AppError`.
        public func successfulBody() throws -> ByteBuffer {
            guard (200..<300).contains(self.status.code) else {
                let envelope = try? JSONCoding.decoder.decode(ErrorEnvelope.self, from: Data(self.body.readableBytesView))
                throw AppError(
                    HTTPResponse.Status(code: Int(self.status.code)),
                    code: envelope?.error.code ?? "upstream_error",
                    message: envelope?.error.message ?? "An internal service answered \(self.status.code).",
                    details: envelope?.error.details
                )
            }
            return self.body
        }
    }

    public func send(_ method: HTTPMethod, _ path: String, body: ByteBuffer? = nil, context: CallContext, logger: Logger) async throws -> Reply {
        let url = self.endpoints.pick() + path
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = Self.headers(token: self.token, from: self.caller, context: context)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        do {
            let response = try await self.httpClient.execute(request, timeout: self.timeout, logger: logger)
            let bytes = try await response.body.collect(upTo: self.maxResponseBytes)
            return Reply(status: response.status, body: bytes)
        } catch {
            logger.error("internal call failed", metadata: ["service": "\(self.service.rawValue)", "url": "\(url)", "error": "\(error)"])
            throw AppError.unavailable("service_unavailable", "\(self.service.rawValue) is not reachable.")
        }
    }

    public func get<T: Decodable>(_ path: String, as type: T.Type, context: CallContext, logger: Logger) async throws -> T {
        try await self.send(.GET, path, context: context, logger: logger).decode(type)
    }

    public func post<Body: Encodable, T: Decodable>(
        _ path: String, _ body: Body, as type: T.Type, context: CallContext, logger: Logger
    ) async throws -> T {
        let data = try JSONCoding.encoder.encode(body)
        return try await self.send(.POST, path, body: ByteBuffer(bytes: data), context: context, logger: logger).decode(type)
    }

    /// The headers that carry the token, the request id and the caller to another service.
    public static func headers(token: String, from caller: ServiceName, context: CallContext) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: InternalHeader.token, value: token)
        headers.add(name: InternalHeader.serviceName, value: caller.rawValue)
        headers.add(name: InternalHeader.requestID, value: context.requestID)
        if let caller = context.caller {
            headers.add(name: InternalHeader.orgID, value: caller.orgID.rawValue)
            headers.add(name: InternalHeader.actorID, value: caller.actorID)
            headers.add(name: InternalHeader.actorType, value: caller.actorType.rawValue)
            headers.add(name: InternalHeader.actorRole, value: caller.role.rawValue)
        }
        return headers
    }
}
