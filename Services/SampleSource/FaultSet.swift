/// The body of `PUT /admin/faults` and the answer of `GET /admin/faults`.
struct FaultSet: Codable, Sendable {
    var faults: [Fault] = []
    /// A fixed one-second window over all data requests; nil for no limit.
    var rateLimitPerSecond: Int?

    private enum CodingKeys: String, CodingKey {
        case faults
        case rateLimitPerSecond = "rate_limit_per_second"
    }

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.faults = try container.decodeIfPresent([Fault].self, forKey: .faults) ?? []
        self.rateLimitPerSecond = try container.decodeIfPresent(Int.self, forKey: .rateLimitPerSecond)
    }

    /// Writes `rate_limit_per_second` as null rather than leaving it out, so the answer shows every setting.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.faults, forKey: .faults)
        try container.encode(self.rateLimitPerSecond, forKey: .rateLimitPerSecond)
    }

    func validate() throws {
        if let limit = self.rateLimitPerSecond, limit < 1 {
            throw SampleSourceError.badRequest("rate_limit_per_second must be at least 1 or null")
        }
        for fault in self.faults { try fault.validate() }
    }
}

/// One injected fault. Which fields matter depends on `kind`; see `FaultBoard` for how requests meet them.
struct Fault: Codable, Sendable {
    enum Kind: String, Codable, Sendable {
        case status
        case rateLimit = "rate_limit"
        case malformed
        case delay
        case nameless
    }

    /// From this many on, `times` means every request, not a count.
    static let alwaysTimes = 100

    var kind: Kind
    /// `status`: the HTTP status to answer.
    var status: Int?
    /// How many requests for each affected page get the fault (default 1).
    var times: Int?
    /// Page numbers the fault applies to; nil for every page.
    var pages: [Int]?
    /// `rate_limit`: the Retry-After value, seconds or an HTTP date (default "1").
    var retryAfter: String?
    /// `delay`: milliseconds to wait before answering normally.
    var delayMs: Int?
    /// `nameless`: records with `i % every == every - 1` lose their name.
    var every: Int?

    private enum CodingKeys: String, CodingKey {
        case kind, status, times, pages, every
        case retryAfter = "retry_after"
        case delayMs = "delay_ms"
    }

    var attempts: Int { self.times ?? 1 }

    func applies(toPage page: Int) -> Bool {
        self.pages?.contains(page) ?? true
    }

    func validate() throws {
        if self.attempts < 1 { throw SampleSourceError.badRequest("times must be at least 1") }
        if self.pages?.contains(where: { $0 < 0 }) == true { throw SampleSourceError.badRequest("pages must not be negative") }
        switch self.kind {
        case .status:
            guard let status = self.status, (400...599).contains(status) else {
                throw SampleSourceError.badRequest("a status fault needs status between 400 and 599")
            }
        case .delay:
            guard let delay = self.delayMs, (0...600_000).contains(delay) else {
                throw SampleSourceError.badRequest("a delay fault needs delay_ms between 0 and 600000")
            }
        case .nameless:
            guard let every = self.every, every >= 1 else { throw SampleSourceError.badRequest("a nameless fault needs every >= 1") }
        case .rateLimit, .malformed:
            break
        }
    }
}
