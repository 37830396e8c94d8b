import Hummingbird

/// Keys (environment variables): `HOST` (default "127.0.0.1"), `PORT` (8090), `SAMPLE_RECORDS` (500: records that
/// exist at start), `SAMPLE_TOKEN` ("sample-token": the bearer token data and admin routes require; empty opens the API).
struct SampleSourceConfig: Sendable {
    var host: String
    var port: Int
    var records: Int
    var token: String

    init(host: String = "127.0.0.1", port: Int = 8090, records: Int = 500, token: String = "sample-token") {
        self.host = host
        self.port = port
        self.records = records
        self.token = token
    }

    init(environment: Environment) throws {
        self.init(
            host: environment.get("HOST") ?? "127.0.0.1",
            port: try Self.integer("PORT", in: environment, default: 8090, range: 0...65535),
            records: try Self.integer("SAMPLE_RECORDS", in: environment, default: 500, range: 0...SegmentStore.maxRecords),
            token: environment.get("SAMPLE_TOKEN") ?? "sample-token"
        )
    }

    private static func integer(_ key: String, in environment: Environment, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = environment.get(key) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw StartupError(message: "\(key) must be an integer in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
        }
        return number
    }
}
