import Foundation
import NIOHTTP1
import Synchronization
import Testing

@testable import Connectors

@Suite struct FetchPolicyTests {
    @Test func theTableRetriesOnlyWhatCanGetBetter() {
        #expect(RetryPolicy.action(for: .status(200)) == .accept)
        #expect(RetryPolicy.action(for: .status(204)) == .accept)
        #expect(RetryPolicy.action(for: .status(401)) == .refreshAuth)
        #expect(RetryPolicy.action(for: .status(408)) == .retry)
        #expect(RetryPolicy.action(for: .status(429)) == .waitOutRateLimit)
        for status in [500, 502, 503, 504, 599] { #expect(RetryPolicy.action(for: .status(status)) == .retry) }
        for status in [400, 403, 404, 409, 422, 301] { #expect(RetryPolicy.action(for: .status(status)) == .fail) }
        #expect(RetryPolicy.action(for: .network) == .retry)
        #expect(RetryPolicy.action(for: .unreadableBody) == .retry)
    }

    @Test func backoffDoublesWithJitterAndIsCapped() {
        let policy = RetryPolicy(baseDelay: .milliseconds(500), maxWait: .seconds(60))
        #expect(policy.backoff(afterAttempt: 1, jitter: 0) == .milliseconds(500))
        #expect(policy.backoff(afterAttempt: 2, jitter: 0) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 3, jitter: 0.5) == .seconds(3))
        #expect(policy.backoff(afterAttempt: 30, jitter: 0.5) == .seconds(60))
    }

    @Test func retryAfterReadsSecondsAndHTTPDatesCapsLongWaitsAndTreatsZeroAsBackoff() throws {
        let policy = RetryPolicy(maxWait: .seconds(60))
        let now = try #require(ISO8601DateFormatter().date(from: "2026-11-30T12:00:00Z"))
        #expect(policy.retryAfter("7", now: now) == .seconds(7))
        #expect(policy.retryAfter("1.5", now: now) == .milliseconds(1500))
        #expect(policy.retryAfter("Mon, 30 Nov 2026 12:00:20 GMT", now: now) == .seconds(20))
        #expect(policy.retryAfter("3600", now: now) == .seconds(60))
        #expect(policy.retryAfter("0", now: now) == nil)
        #expect(policy.retryAfter("Mon, 30 Nov 2026 11:00:00 GMT", now: now) == nil)
        #expect(policy.retryAfter("soon", now: now) == nil)
        #expect(policy.retryAfter(nil, now: now) == nil)
    }

    @Test func rateLimitHeadersSlowDownBeforeThe429() {
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        func pause(_ pairs: [(String, String)]) -> Duration? {
            RateLimitGate.pause(HTTPHeaders(pairs), now: now, maxWait: .seconds(60))
        }
        #expect(pause([("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "5")]) == .seconds(5))
        #expect(pause([("RateLimit-Remaining", "0"), ("RateLimit-Reset", "2")]) == .seconds(2))
        // An epoch reset, ten seconds from now.
        #expect(pause([("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "2000000010")]) == .seconds(10))
        // The last tenth of the budget is spread over the window.
        #expect(pause([("X-RateLimit-Limit", "100"), ("X-RateLimit-Remaining", "4"), ("X-RateLimit-Reset", "10")]) == .seconds(2))
        #expect(pause([("X-RateLimit-Limit", "100"), ("X-RateLimit-Remaining", "50"), ("X-RateLimit-Reset", "10")]) == nil)
        #expect(pause([("X-RateLimit-Remaining", "0")]) == nil)
        #expect(pause([("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "86400")]) == .seconds(60))
    }

    @Test func oauthTokensAreKeptUntilShortlyBeforeExpiry() {
        let cache = OAuthTokenCache()
        let now = Date()
        cache.store("t1", expiresIn: 3600, for: "k", now: now)
        #expect(cache.token(for: "k", now: now) == "t1")
        #expect(cache.token(for: "k", now: now.addingTimeInterval(3580)) == nil)
        cache.invalidate("k")
        #expect(cache.token(for: "k", now: now) == nil)
    }

    @Test func callersThatNeedATokenAtOnceShareOneRequestAndARefusedTokenIsReplacedOnce() async throws {
        let cache = OAuthTokenCache()
        let requests = Mutex(0)
        let fetch: @Sendable () async throws -> (String, TimeInterval?) = {
            let number = requests.withLock { count -> Int in
                count += 1
                return count
            }
            try await Task.sleep(for: .milliseconds(50))
            return ("token-\(number)", 3600)
        }
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await cache.token(for: "k", fetch: fetch) } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(tokens) == ["token-1"] && requests.withLock { $0 } == 1)
        #expect(try await cache.token(for: "k", fetch: fetch) == "token-1")
        // Eight callers refused token-1 at once: one new request, and a later refusal of token-1 keeps token-2.
        let renewed = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await cache.token(for: "k", replacing: "token-1", fetch: fetch) } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(renewed) == ["token-2"] && requests.withLock { $0 } == 2)
        #expect(try await cache.token(for: "k", replacing: "token-1", fetch: fetch) == "token-2")
    }
}
