import AsyncHTTPClient
import Connectors
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SharedModels

/// One call to a platform's API through the shared retry table: 408 and 5xx are tried again with backoff,
/// 429 is waited out without using up a try, every other answer goes back to the client to read. A request that
/// is not idempotent (a create) is never sent twice after a network failure: the platform may have done it, so
/// the caller is told it is `ambiguous` and checks before creating again.
struct PlatformHTTP: Sendable {
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: ByteBuffer

        var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(self.body.readableBytesView)) }

        /// The platform's own words for a failure: `message`, `Message`, `error` or `error.message`.
        var platformMessage: String {
            guard case .object(let fields)? = self.json else { return "HTTP \(self.status)" }
            for key in ["message", "Message", "error"] {
                if case .string(let text)? = fields[key] { return text }
                if case .object(let nested)? = fields[key], case .string(let text)? = nested["message"] { return text }
            }
            return "HTTP \(self.status)"
        }
    }

    let httpClient: HTTPClient
    let policy: RetryPolicy
    let timeout: TimeAmount

    init(httpClient: HTTPClient = InboundFetcher.customerAPIClient, policy: RetryPolicy = RetryPolicy(), timeout: TimeAmount = .seconds(30)) {
        self.httpClient = httpClient
        self.policy = policy
        self.timeout = timeout
    }

    /// `body` is sent as `contentType`: JSON, or a token request's form.
    func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)], body: Data? = nil, contentType: String = "application/json", idempotent: Bool,
        what: String, logger: Logger
    ) async throws -> Answer {
        let host = URL(string: url)?.host ?? url
        var tries = 0
        var waits = 0
        while true {
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "Accept", value: "application/json")
            for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
            if let body {
                request.headers.add(name: "Content-Type", value: contentType)
                request.body = .bytes(ByteBuffer(bytes: body))
            }
            let answer: Answer
            do {
                let response = try await self.httpClient.execute(request, timeout: self.timeout, logger: logger)
                answer = Answer(status: Int(response.status.code), headers: response.headers, body: try await response.body.collect(upTo: 8 << 20))
            } catch {
                let failure = InboundError.transport(error, host: host, timeoutSeconds: Double(self.timeout.nanoseconds) / 1e9)
                guard idempotent else {
                    throw PlatformError(code: "ambiguous", message: "\(what): \(failure.message); it may or may not have been applied", status: nil)
                }
                tries += 1
                guard tries < self.policy.maxTries else { throw PlatformError(code: failure.code, message: "\(what): \(failure.message) (after \(tries) tries)") }
                try await Task.sleep(for: self.policy.backoff(afterAttempt: tries))
                continue
            }
            switch RetryPolicy.action(for: .status(answer.status)) {
            case .accept, .fail, .refreshAuth:
                return answer
            case .waitOutRateLimit:
                waits += 1
                guard waits <= self.policy.maxRateLimitWaits else {
                    throw PlatformError(code: "rate_limited", message: "\(what): the platform kept answering 429 Too Many Requests", status: 429)
                }
                let wait = self.policy.retryAfter(answer.headers.first(name: "Retry-After")) ?? self.policy.backoff(afterAttempt: waits)
                logger.info("platform rate limit; waiting", metadata: ["host": "\(host)", "wait": "\(wait)"])
                try await Task.sleep(for: wait)
            case .retry:
                tries += 1
                guard tries < self.policy.maxTries else {
                    throw PlatformError(code: "platform_unavailable", message: "\(what): the platform answered \(answer.status) (after \(tries) tries)", status: answer.status)
                }
                try await Task.sleep(for: self.policy.retryAfter(answer.headers.first(name: "Retry-After")) ?? self.policy.backoff(afterAttempt: tries))
            }
        }
    }
}
