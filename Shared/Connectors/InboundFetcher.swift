import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SharedModels

/// Fetches one page of records from a customer's API exactly as its inbound connection describes: filters,
/// pagination parameters, extra headers and the connection's auth. Used by the connection test and by sync.
///
/// With a `RetryPolicy` every request goes through its table: network errors, 408, 5xx and unreadable bodies are
/// tried again with backoff; a 429 is waited out (Retry-After) without using up a try; an OAuth2 401 gets one
/// new token. Rate-limit headers slow the next request down before the API has to refuse it.
public struct InboundFetcher: Sendable {
    let httpClient: HTTPClient
    /// Per request, 30 s by default.
    public let timeout: TimeAmount
    let maxBodyBytes: Int
    /// nil: one try, as a connection test wants.
    let policy: RetryPolicy?
    let gate: RateLimitGate
    let tokens: OAuthTokenCache?

    public init(
        httpClient: HTTPClient = Self.customerAPIClient, timeout: TimeAmount = .seconds(30), maxBodyBytes: Int = 64 << 20,
        policy: RetryPolicy? = nil, gate: RateLimitGate = RateLimitGate(), tokens: OAuthTokenCache? = nil
    ) {
        self.httpClient = httpClient
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.policy = policy
        self.gate = gate
        self.tokens = tokens
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
    public enum PagePosition: Sendable, Equatable, Hashable {
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

    /// The count endpoint's answer, or nil when the connection has none.
    public func fetchCount(_ config: InboundConfig, auth: InboundAuth, extraQuery: [String: String] = [:], logger: Logger) async throws -> JSONValue? {
        guard let endpoint = config.countEndpoint else { return nil }
        let query = config.filters.merging(extraQuery) { $1 }
        return try await self.getJSON(endpoint, query: query, config: config, auth: auth, what: "The count endpoint", logger: logger)
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

        let policy = self.policy ?? RetryPolicy(maxTries: 1, maxRateLimitWaits: 0)
        var tries = 0
        var rateLimitWaits = 0
        var refreshedAuth = false
        while true {
            try await self.gate.wait(host: host)
            let outcome: RetryPolicy.Outcome
            let failure: InboundError
            var retryAfter: String?
            do {
                let (status, reason, headers, body) = try await self.send(url, host: host, config: config, auth: auth, what: what, logger: logger)
                self.gate.observe(headers, host: host)
                if (200..<300).contains(status) {
                    if let json = try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView)) { return json }
                    outcome = .unreadableBody
                    failure = InboundError(code: "invalid_json", message: "\(what) did not answer valid JSON")
                } else {
                    outcome = .status(status)
                    failure = .httpStatus(status, reason: reason, what: what)
                    retryAfter = headers.first(name: "Retry-After")
                }
            } catch let error as InboundError where error.code == "network" || error.code == "timeout" || error.code == "connection_refused" {
                outcome = .network
                failure = error
            }
            switch RetryPolicy.action(for: outcome) {
            case .accept, .fail:
                throw failure
            case .refreshAuth:
                guard auth.type == .oauth2, let tokens = self.tokens, !refreshedAuth else { throw failure }
                refreshedAuth = true
                tokens.invalidate(auth.tokenCacheKey)
            case .waitOutRateLimit:
                rateLimitWaits += 1
                let wait = policy.retryAfter(retryAfter) ?? policy.backoff(afterAttempt: rateLimitWaits)
                guard rateLimitWaits <= policy.maxRateLimitWaits else {
                    throw InboundError(
                        code: "rate_limited", message: "\(what) kept answering 429 Too Many Requests", status: 429,
                        retryAfterSeconds: Int(wait.components.seconds.clamped(to: 1...3600))
                    )
                }
                logger.info("rate limited; waiting", metadata: ["host": "\(host)", "wait": "\(wait)"])
                try await Task.sleep(for: wait)
            case .retry:
                tries += 1
                guard tries < policy.maxTries else {
                    throw tries > 1 ? InboundError(code: failure.code, message: "\(failure.message) (after \(tries) tries)", status: failure.status) : failure
                }
                let wait = policy.retryAfter(retryAfter) ?? policy.backoff(afterAttempt: tries)
                logger.warning("request failed; retrying", metadata: ["host": "\(host)", "error": "\(failure.message)", "try": "\(tries)"])
                try await Task.sleep(for: wait)
            }
        }
    }

    /// One try: status, reason, headers and body, or an `InboundError` naming the transport failure.
    private func send(
        _ url: String, host: String, config: InboundConfig, auth: InboundAuth, what: String, logger: Logger
    ) async throws -> (Int, String, HTTPHeaders, ByteBuffer) {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in config.extraHeaders.sorted(by: { $0.key < $1.key }) { request.headers.add(name: name, value: value) }
        for (name, value) in try await auth.headers(httpClient: self.httpClient, timeout: self.timeout, tokens: self.tokens, logger: logger) {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        do {
            let response = try await self.httpClient.execute(request, timeout: self.timeout, logger: logger)
            let body = try await response.body.collect(upTo: self.maxBodyBytes)
            return (Int(response.status.code), response.status.reasonPhrase, response.headers, body)
        } catch is NIOTooManyBytesError {
            throw InboundError(code: "too_large", message: "\(what) answered more than \(self.maxBodyBytes >> 20) MiB")
        } catch {
            throw InboundError.transport(error, host: host, timeoutSeconds: Double(self.timeout.nanoseconds) / 1e9)
        }
    }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
