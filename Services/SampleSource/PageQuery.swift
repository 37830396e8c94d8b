import Hummingbird

/// The query parameters the data routes share. `limit` defaults to 100 and is served at most 1000, as real APIs do.
struct PageQuery {
    static let defaultLimit = 100
    static let maxLimit = 1000

    let limit: Int
    /// Seconds since 1970, rounded up; records with `updated_at >= since` match.
    let since: Int64?
    /// `updated_since` as sent: part of the key faults count attempts under.
    let sinceText: String?

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        self.limit = min(try Self.integer(query.get("limit"), name: "limit", minimum: 1) ?? Self.defaultLimit, Self.maxLimit)
        self.sinceText = query.get("updated_since")
        if let text = self.sinceText {
            guard let since = Timestamp.parse(text) else {
                throw SampleSourceError.badRequest("updated_since must be an ISO 8601 date-time such as 2026-01-01T00:00:00Z")
            }
            self.since = since
        } else {
            self.since = nil
        }
    }

    static func integer(_ text: String?, name: String, minimum: Int) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), value >= minimum else {
            throw SampleSourceError.badRequest("\(name) must be an integer of at least \(minimum)")
        }
        return value
    }
}
