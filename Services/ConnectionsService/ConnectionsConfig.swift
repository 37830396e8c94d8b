import Configuration
import NIOCore
import ServiceKit

/// Keys: `CREDENTIALS_ENCRYPTION_KEY` (secret; the pgcrypto key for credentials), `CONNECTION_TEST_TIMEOUT_SECONDS`
/// (30: how long a connection test waits for the remote API), `MAX_CONNECTIONS_PER_ORG` (20).
struct ConnectionsConfig: Sendable {
    static let localEncryptionKey = "local-dev-credentials-key"

    var service: ServiceConfig
    var encryptionKey: String
    var testTimeout: TimeAmount
    var maxConnectionsPerOrg: Int

    init(reader: ConfigReader) throws {
        self.service = try ServiceConfig(service: .connections, reader: reader)
        self.encryptionKey = reader.string(forKey: "credentials.encryption.key", isSecret: true, default: Self.localEncryptionKey)
        guard self.encryptionKey.count >= 16 else {
            throw ConfigError.invalid(key: "CREDENTIALS_ENCRYPTION_KEY", reason: "must be at least 16 characters")
        }
        let seconds = reader.double(forKey: "connection.test.timeout.seconds", default: 30)
        self.testTimeout = .milliseconds(Int64(max(0.05, seconds) * 1000))
        self.maxConnectionsPerOrg = max(1, reader.int(forKey: "max.connections.per.org", default: 20))
    }
}
