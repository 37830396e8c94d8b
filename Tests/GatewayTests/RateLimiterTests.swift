import Foundation
import Synchronization
import Testing

@testable import Gateway

@Suite struct RateLimiterTests {
    final class Clock: Sendable {
        let now = Mutex<TimeInterval>(0)
        func advance(_ seconds: TimeInterval) { self.now.withLock { $0 += seconds } }
    }

    @Test func aBucketRefillsAtTheLimitPerMinute() {
        let clock = Clock()
        let limiter = RateLimiter(now: { clock.now.withLock { $0 } })
        #expect(limiter.take(key: "k", limitPerMinute: 2).allowed)
        #expect(limiter.take(key: "k", limitPerMinute: 2).allowed)
        let refused = limiter.take(key: "k", limitPerMinute: 2)
        #expect(!refused.allowed)
        #expect(refused.retryAfter == 30)
        #expect(limiter.take(key: "other", limitPerMinute: 2).allowed)  // buckets are per key
        clock.advance(30)
        #expect(limiter.take(key: "k", limitPerMinute: 2).allowed)
        #expect(!limiter.take(key: "k", limitPerMinute: 2).allowed)
    }
}
