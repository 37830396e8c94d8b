import Foundation
import NIOHTTP1
import Synchronization

/// Slows requests to a host down before it answers 429, from the rate-limit headers of its last answers:
/// `X-RateLimit-Remaining`/`X-RateLimit-Reset` or the IETF `RateLimit-Remaining`/`RateLimit-Reset`.
/// When nothing is left, the next request waits for the reset; when little is left, requests are spread over
/// the time to the reset instead of spending the rest at once.
public final class RateLimitGate: Sendable {
    private let notBefore = Mutex<[String: ContinuousClock.Instant]>([:])
    private let maxWait: Duration

    public init(maxWait: Duration = .seconds(60)) {
        self.maxWait = maxWait
    }

    /// Sleeps until the host may be called again.
    public func wait(host: String) async throws {
        let until = self.notBefore.withLock { $0[host] }
        if let until, until > .now { try await Task.sleep(until: until) }
    }

    /// Reads an answer's rate-limit headers.
    public func observe(_ headers: HTTPHeaders, host: String, now: Date = Date()) {
        guard let pause = Self.pause(headers, now: now, maxWait: self.maxWait) else { return }
        let until = ContinuousClock.now + pause
        self.notBefore.withLock { table in
            if let current = table[host], current > until { return }
            table[host] = until
        }
    }

    /// How long to hold the next request, or nil to go on at full speed.
    static func pause(_ headers: HTTPHeaders, now: Date, maxWait: Duration) -> Duration? {
        let remaining = Self.number(headers, ["X-RateLimit-Remaining", "RateLimit-Remaining"])
        guard let remaining, let reset = Self.number(headers, ["X-RateLimit-Reset", "RateLimit-Reset"]) else { return nil }
        // A reset this large is an epoch time, not a number of seconds.
        let seconds = reset > 1_000_000_000 ? reset - now.timeIntervalSince1970 : reset
        guard seconds > 0 else { return nil }
        let window = min(Duration.milliseconds(Int64(seconds * 1000)), maxWait)
        if remaining <= 0 { return window }
        let limit = Self.number(headers, ["X-RateLimit-Limit", "RateLimit-Limit"])
        // Spread the last tenth of the budget evenly over what is left of the window.
        if let limit, limit > 0, remaining < max(1, limit / 10) { return window / Int(remaining + 1) }
        return nil
    }

    private static func number(_ headers: HTTPHeaders, _ names: [String]) -> Double? {
        for name in names {
            // `RateLimit-Limit: 100, 100;w=60` style values: the first number is the one that counts.
            if let value = headers.first(name: name)?.split(whereSeparator: { $0 == "," || $0 == ";" }).first,
                let number = Double(value.trimmingCharacters(in: .whitespaces))
            {
                return number
            }
        }
        return nil
    }
}
