import Foundation
import Synchronization

/// Access tokens (OAuth2, or a platform's own login), kept until shortly before they expire so every request does
/// not ask for a new one, and shared by every caller in the process. Keyed by endpoint and client; an entry is
/// dropped when the API answers 401 with it. Callers that need a new token at the same time share one request.
public final class OAuthTokenCache: Sendable {
    struct Entry {
        var token: String
        var expires: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let requests = Mutex<[String: Task<String, any Error>]>([:])
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

    /// The cached token for `key`, unless it is `rejected` (the one the API just refused); otherwise the token of one
    /// `fetch` (a token and its lifetime in seconds) shared by every caller that needs it meanwhile, then cached.
    public func token(
        for key: String, replacing rejected: String? = nil, fetch: @escaping @Sendable () async throws -> (String, TimeInterval?)
    ) async throws -> String {
        enum Found {
            case token(String)
            case request(Task<String, any Error>)
        }
        let found = self.requests.withLock { requests -> Found in
            if let request = requests[key] { return .request(request) }
            // Looked up under the lock: a request that just finished stored its token before leaving the table.
            if let token = self.token(for: key), token != rejected { return .token(token) }
            let request = Task<String, any Error> {
                defer { _ = self.requests.withLock { $0.removeValue(forKey: key) } }
                let (token, expiresIn) = try await fetch()
                self.store(token, expiresIn: expiresIn, for: key)
                return token
            }
            requests[key] = request
            return .request(request)
        }
        switch found {
        case .token(let token): return token
        case .request(let request): return try await request.value
        }
    }

    public func invalidate(_ key: String) {
        _ = self.entries.withLock { $0.removeValue(forKey: key) }
    }
}
