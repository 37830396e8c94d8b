public struct HealthStatus: Codable, Sendable {
    public var status: String
    public var service: String
    public var database: String

    public init(status: String, service: String, database: String) {
        self.status = status
        self.service = service
        self.database = database
    }
}
