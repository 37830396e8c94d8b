import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SharedModels

/// Fetches one page of records from a customer's API exactly as its inbound connection describes: filters,
/// pagination parameters, extra headers and the connection's auth. Used by the connection test and by sync.
public struct InboundFetcher: Sendable {
    let httpClient: HTTPClient
    /// Per request, 30 s by default.
    public let timeout: TimeAmount
    let maxBodyBytes: Int

    public init(httpClient: HTTPClient = Self.customerAPIClient, timeout: TimeAmount = .seconds(30), maxBodyBytes: Int = 64 << 20) {
        self.httpClient = httpClient
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
    }

    /// The process-wide client for customers' APIs. A refused or failed connection fails at once (10 s at most to
    /// connect) instead of being retried until the request's deadline: our callers retry, and say why.
    public static let customerAPIClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Where to start a page: an offset (offset pagination) or a cursor (nil for the first page).
    public enum PagePosition: Sendable, Equatable {
        case offset(Int)
        case cursor(String?)
    }

    /// One page's parsed JSON.
    public func fetchPage(
        _ config: InboundConfig, auth: InboundAuth, position: PagePosition, limit: Int, extraQuery: [String: String] = [:], logger: Logger
    ) async throws -> JSONValue {
        var query = config.filters.merging(extraQuery) { $1 }
        query[config.paginationParams.limitParam] = String(limit)
        switch position {
        case .offset(let offset): query[config.paginationParams.offsetParam] = String(offset)
        case .cursor(let cursor?): query[config.paginationParams.cursorParam] = cursor
        case .cursor(nil): break
        }
        return try await self.getJSON(config.baseURL, query: query, config: config, auth: auth, what: "The API", logger: logger)
    }

    /// The total from the count endpoint, or nil when the connection has none.
    public func fetchCount(_ config: InboundConfig, auth: InboundAuth, logger: Logger) async throws -> JSONValue? {
        guard let endpoint = config.countEndpoint else { return nil }
        return try await self.getJSON(endpoint, query: config.filters, config: config, auth: auth, what: "The count endpoint", logger: logger)
    }

    func getJSON(
        _ base: String, query: [String: String], config: InboundConfig, auth: InboundAuth, what: String, logger: Logger
    ) async throws -> JSONValue {
        guard var components = URLComponents(string: base) else {
            throw InboundError(code: "invalid_url", message: "\(base) is not a valid URL")
        }
        let host = components.host ?? base
        if !query.isEmpty {
            components.queryItems = (components.queryItems ?? []) + query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        }
        guard let url = components.url?.absoluteString else { throw InboundError(code: "invalid_url", message: "\(base) is not a valid URL") }

        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in config.extraHeaders.sorted(by: { $0.key < $1.key }) { request.headers.add(name: name, value: value) }
        for (name, value) in try await auth.headers(httpClient: self.httpClient, timeout: self.timeout, logger: logger) {
            request.headers.replaceOrAdd(name: name, value: value)
        }

        let body: ByteBuffer
        let response: HTTPClientResponse
        do {
            response = try await self.httpClient.execute(request, timeout: self.timeout, logger: logger)
            body = try await response.body.collect(upTo: self.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw InboundError(code: "too_large", message: "\(what) answered more than \(self.maxBodyBytes >> 20) MiB")
        } catch {
            throw InboundError.transport(error, host: host, timeoutSeconds: Double(self.timeout.nanoseconds) / 1e9)
        }
        guard (200..<300).contains(response.status.code) else {
            throw InboundError.httpStatus(Int(response.status.code), reason: response.status.reasonPhrase, what: what)
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))
        } catch {
            throw InboundError(code: "invalid_json", message: "\(what) did not answer valid JSON")
        }
    }
}
