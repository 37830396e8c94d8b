import Foundation
import Synchronization

/// Access tokens (OAuth2, or a platform's own login), kept until shortly before they expire so every request does
/// not ask for a new one, and shared by every caller in the process. Keyed by endpoint and client; an entry is
/// dropped when the API answers 401 with it.
public final class OAuthTokenCache: Sendable {
    struct Entry {
        var token: String
        var expires: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// A token is used until this long before its expiry.
    private let margin: TimeInterval = 30

    public init() {}

    public func token(for key: String, now: Date = Date()) -> String? {
        self.entries.withLock { entries in
            guard let entry = entries[key], entry.expires.timeIntervalSince(now) > self.margin else { return nil }
            return entry.token
        }
    }

    public func store(_ token: String, expiresIn: TimeInterval?, for key: String, now: Date = Date()) {
        // Without expires_in, keep it for five minutes.
        let entry = Entry(token: token, expires: now.addingTimeInterval(expiresIn ?? 300))
        self.entries.withLock { $0[key] = entry }
    }

    public func invalidate(_ key: String) {
        _ = self.entries.withLock { $0.removeValue(forKey: key) }
    }
}
