import Foundation
import HTTPTypes
import Logging
import SharedModels
import Synchronization

/// A token bucket per API key, refilled continuously: `limit` requests a minute with bursts up to `limit`.
final class RateLimiter: Sendable {
    struct Decision: Equatable {
        var allowed: Bool
        var remaining: Int
        /// Whole seconds until one more request would be allowed (0 when allowed).
        var retryAfter: Int
    }

    private struct Bucket {
        var tokens: Double
        var updated: TimeInterval
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    private let now: @Sendable () -> TimeInterval

    init(now: @escaping @Sendable () -> TimeInterval = { Date().timeIntervalSinceReferenceDate }) {
        self.now = now
    }

    func take(key: String, limitPerMinute: Int) -> Decision {
        let capacity = Double(limitPerMinute)
        let perSecond = capacity / 60
        let now = self.now()
        return self.buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * perSecond)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return Decision(allowed: true, remaining: Int(bucket.tokens), retryAfter: 0)
            }
            let wait = (1 - bucket.tokens) / perSecond
            return Decision(allowed: false, remaining: 0, retryAfter: max(1, Int(wait.rounded(.up))))
        }
    }
}
