import Configuration
import ServiceKit

/// The gateway's own settings. Keys: `RATE_LIMIT_PER_MINUTE` (default for new API keys, 600), `BCRYPT_COST` (12),
/// `SESSION_TTL_HOURS` (168), `COOKIE_SECURE` (false: set it behind TLS), `PROXY_TIMEOUT_SECONDS` (300),
/// and each service's `<NAME>_SERVICE_URL`.
struct GatewayConfig: Sendable {
    var service: ServiceConfig
    var defaultRateLimitPerMinute: Int
    var bcryptCost: UInt8
    var sessionTTLHours: Int
    var cookieSecure: Bool
    var proxyTimeoutSeconds: Int64
    var upstreams: [ServiceName: ServiceEndpoints]

    init(reader: ConfigReader) throws {
        self.service = try ServiceConfig(service: .gateway, reader: reader)
        self.defaultRateLimitPerMinute = max(1, reader.int(forKey: "rate.limit.per.minute", default: 600))
        self.bcryptCost = UInt8(clamping: min(31, max(4, reader.int(forKey: "bcrypt.cost", default: 12))))
        self.sessionTTLHours = max(1, reader.int(forKey: "session.ttl.hours", default: 168))
        self.cookieSecure = reader.bool(forKey: "cookie.secure", default: false)
        self.proxyTimeoutSeconds = Int64(max(1, reader.int(forKey: "proxy.timeout.seconds", default: 300)))
        var upstreams: [ServiceName: ServiceEndpoints] = [:]
        for service in ServiceName.allCases where service != .gateway {
            upstreams[service] = try ServiceConfig.endpoints(of: service, reader: reader)
        }
        self.upstreams = upstreams
    }
}
