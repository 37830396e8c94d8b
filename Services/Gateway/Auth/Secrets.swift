import Crypto
import Foundation
import HTTPTypes
import Logging
import SharedModels

/// Makes and hashes the two bearer secrets the gateway issues: API keys and session tokens.
enum Secrets {
    static let apiKeyPrefix = "txadv_"

    /// `txadv_` + 48 hex characters (24 random bytes).
    static func newAPIKey() -> String {
        Self.apiKeyPrefix + Self.randomHex(bytes: 24)
    }

    static func newSessionToken() -> String {
        Self.randomHex(bytes: 32)
    }

    /// Keys and tokens are long and random, so a plain SHA-256 is enough to store them (no salt or stretching needed).
    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// What a listing shows so a person can tell keys apart: `txadv_1a2b3c`.
    static func displayPrefix(of key: String) -> String {
        String(key.prefix(Self.apiKeyPrefix.count + 6))
    }

    private static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", generator.next() as UInt8) }.joined()
    }
}
