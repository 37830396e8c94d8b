/// The one error shape every service answers: `{"error":{"code","message","details"}}`.
/// Also an `Error`, so a per-item failure in a batch can travel in a `Result`.
public struct ErrorEnvelope: Codable, Sendable, Equatable, Error {
    public struct Body: Codable, Sendable, Equatable {
        /// Stable, machine-readable, snake_case (`invalid_api_key`, `rate_limited`, …).
        public var code: String
        /// Human-readable; never contains secrets or SQL.
        public var message: String
        public var details: JSONValue?

        public init(code: String, message: String, details: JSONValue? = nil) {
            self.code = code
            self.message = message
            self.details = details
        }
    }

    public var error: Body

    public init(code: String, message: String, details: JSONValue? = nil) {
        self.error = Body(code: code, message: message, details: details)
    }
}
