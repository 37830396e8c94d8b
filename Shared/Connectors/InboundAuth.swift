import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SharedModels

/// The auth of an inbound connection: its type, its decrypted credentials, and where its pieces go.
public struct InboundAuth: Sendable {
    public var type: AuthType
    public var credentials: [String: String]
    /// For `api_key`: the header name (`X-API-Key` unless configured).
    public var apiKeyHeader: String
    /// For `oauth2`: the token endpoint.
    public var tokenURL: String?

    public init(type: AuthType, credentials: [String: String], config: InboundConfig) {
        self.type = type
        self.credentials = credentials
        self.apiKeyHeader = config.apiKeyHeader ?? "X-API-Key"
        self.tokenURL = config.tokenURL
    }

    /// Where this auth's OAuth2 token is cached: one entry per token endpoint and client.
    var tokenCacheKey: String {
        "\(self.tokenURL ?? "")|\(self.credentials["client_id"] ?? "")|\(self.credentials["username"] ?? "")"
    }

    /// The headers that authenticate one request; for oauth2 this first obtains a token, or takes the cached one.
    func headers(httpClient: HTTPClient, timeout: TimeAmount, tokens: OAuthTokenCache?, logger: Logger) async throws -> [(String, String)] {
        guard self.type == .oauth2 else { return Self.headers(self.type, credentials: self.credentials, apiKeyHeader: self.apiKeyHeader) }
        let fetch = { @Sendable in try await self.oauthToken(httpClient: httpClient, timeout: timeout, logger: logger) }
        // With a cache, concurrent pages of a run share one token request.
        guard let tokens else { return [("Authorization", "Bearer \(try await fetch().0)")] }
        return [("Authorization", "Bearer \(try await tokens.token(for: self.tokenCacheKey, fetch: fetch))")]
    }

    /// The headers of every auth type that needs no round trip first (none for oauth2), for any outbound caller.
    public static func headers(_ type: AuthType, credentials: [String: String], apiKeyHeader: String = "X-API-Key") -> [(String, String)] {
        switch type {
        case .none, .oauth2:
            return []
        case .bearer:
            return [("Authorization", "Bearer \(credentials["token"] ?? credentials["api_key"] ?? "")")]
        case .apiKey:
            return [(apiKeyHeader, credentials["api_key"] ?? "")]
        case .basic:
            let pair = "\(credentials["username"] ?? ""):\(credentials["password"] ?? "")"
            return [("Authorization", "Basic \(Data(pair.utf8).base64EncodedString())")]
        case .header:
            return credentials.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
    }

    /// Client-credentials grant (or password grant when a username is given) against `token_url`: the token and
    /// its `expires_in` seconds when the endpoint says.
    func oauthToken(httpClient: HTTPClient, timeout: TimeAmount, logger: Logger) async throws -> (String, TimeInterval?) {
        guard let tokenURL, let host = URL(string: tokenURL)?.host else {
            throw InboundError(code: "invalid_config", message: "oauth2 needs config.token_url")
        }
        var form: [(String, String)]
        if let username = self.credentials["username"] {
            form = [("grant_type", "password"), ("username", username), ("password", self.credentials["password"] ?? "")]
        } else {
            form = [("grant_type", "client_credentials")]
        }
        for key in ["client_id", "client_secret", "scope"] {
            if let value = self.credentials[key] { form.append((key, value)) }
        }
        var request = HTTPClientRequest(url: tokenURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await httpClient.execute(request, timeout: timeout, logger: logger)
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw InboundError.transport(error, host: host, timeoutSeconds: Double(timeout.nanoseconds) / 1e9)
        }
        guard (200..<300).contains(response.status.code) else {
            throw InboundError.httpStatus(Int(response.status.code), reason: response.status.reasonPhrase, what: "The token endpoint")
        }
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView)),
            case .string(let token)? = object["access_token"], !token.isEmpty
        else {
            throw InboundError(code: "invalid_token_response", message: "The token endpoint did not answer an access_token")
        }
        if case .number(let seconds)? = object["expires_in"] { return (token, seconds) }
        return (token, nil)
    }
}

/// `application/x-www-form-urlencoded` bodies and query values: everything but unreserved characters escaped.
public enum FormEncoding {
    static let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    public static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: Self.allowed) ?? ""
    }

    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(Self.escape($0))=\(Self.escape($1))" }.joined(separator: "&")
    }
}
