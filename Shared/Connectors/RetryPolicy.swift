import Foundation

/// What to do after one try of a request to a customer's API, as a table of outcomes rather than scattered ifs.
/// Shared by every client that calls an external API (sync's fetcher, activation's platform clients).
public struct RetryPolicy: Sendable {
    public enum Outcome: Sendable, Equatable {
        case status(Int)
        /// Timeout, refused connection, DNS, TLS or a dropped connection.
        case network
        /// A 2xx whose body could not be read as JSON: a truncated answer is worth another try.
        case unreadableBody
    }

    public enum Action: Sendable, Equatable {
        case accept
        /// Try again after a backoff; uses up a try.
        case retry
        /// Wait out the rate limit (Retry-After, or backoff when absent or 0); does not use up a try.
        case waitOutRateLimit
        /// Get new credentials once, then try again; does not use up a try.
        case refreshAuth
        case fail
    }

    /// The table. Anything not listed fails at once: a 4xx other than these will not get better by asking again.
    public static let table: [(statuses: ClosedRange<Int>, action: Action)] = [
        (200...299, .accept),
        (401...401, .refreshAuth),
        (408...408, .retry),
        (429...429, .waitOutRateLimit),
        (500...599, .retry),
    ]

    public static func action(for outcome: Outcome) -> Action {
        switch outcome {
        case .network, .unreadableBody: return .retry
        case .status(let status): return Self.table.first { $0.statuses.contains(status) }?.action ?? .fail
        }
    }

    /// Tries a request gets, the first included.
    public var maxTries = 3
    /// Rate-limit waits a request may sit out before it fails with `rate_limited`.
    public var maxRateLimitWaits = 8
    /// The first backoff; each later one doubles, with up to 50 % jitter.
    public var baseDelay: Duration = .milliseconds(500)
    /// The longest a Retry-After (or a rate-limit reset) is honoured; a longer one is cut to this.
    public var maxWait: Duration = .seconds(60)

    public init(maxTries: Int = 3, maxRateLimitWaits: Int = 8, baseDelay: Duration = .milliseconds(500), maxWait: Duration = .seconds(60)) {
        self.maxTries = maxTries
        self.maxRateLimitWaits = maxRateLimitWaits
        self.baseDelay = baseDelay
        self.maxWait = maxWait
    }

    /// The backoff before try `attempt + 1` (attempt counts from 1): base × 2^(attempt−1), plus jitter.
    public func backoff(afterAttempt attempt: Int, jitter: Double = Double.random(in: 0...0.5)) -> Duration {
        let exponential = self.baseDelay * (1 << min(max(attempt - 1, 0), 10))
        return min(exponential + exponential * jitter, self.maxWait)
    }

    /// How long a `Retry-After` value asks to wait: delta seconds or an HTTP date, capped at `maxWait`; nil when
    /// absent, unreadable or 0 (0 means the normal backoff).
    public func retryAfter(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        let seconds: Double
        if let delta = Double(value) {
            seconds = delta
        } else if let date = HTTPDate.parse(value) {
            seconds = date.timeIntervalSince(now)
        } else {
            return nil
        }
        guard seconds > 0 else { return nil }
        return min(.milliseconds(Int64(seconds * 1000)), self.maxWait)
    }
}

/// The HTTP-date of RFC 9110 (`Sun, 06 Nov 1994 08:49:37 GMT`).
enum HTTPDate {
    static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
