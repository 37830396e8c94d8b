import AsyncHTTPClient
import Connectors
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SharedModels

/// LiveRamp's Data Seller API (Data Marketplace, developers.liveramp.com/data-seller-api): we sell each segment as a
/// Data Marketplace segment.
///
/// - Auth: a v2 service account. `POST token_url` (form: `grant_type=password`, `username` = account id, `password` =
///   secret key, `client_id=liveramp-api`, `scope=openid`) answers `{access_token, expires_in}`. The token is cached
///   in `OAuthTokenCache` until shortly before it expires, one request is shared by every caller that needs it at
///   once, and it is replaced once when LiveRamp answers 401 or 403 (LiveRamp answers 403 for an expired token).
///   Every call sends `Authorization: Bearer <token>` and `LR-Org-Id: <config.lr_org_id>`.
/// - Segments: `POST /v1/segments` creates one (`{name, type, description, dataSourceLocation, restrictions:
///   {permittedUseCases}, pricing}`), `PATCH /v1/segments/:id` changes its metadata, `GET /v1/segments/:id` reads it,
///   `GET /v1/segments?name=&limit=&after=` lists the seller's segments (`{segments, _pagination: {after}}`).
///   LiveRamp reviews every new segment (1–2 business days), so a created segment is `pendingReview` until its status
///   is `ACTIVE`.
/// - Names begin with the data seller name ("Seller > Category > Segment", LiveRamp's naming rules); a name that does
///   not is prefixed with `"<seller_name> > "`.
/// - Frozen fields: a segment's name cannot change once it can be distributed, and its price once it has been. For an
///   active segment an update keeps the name LiveRamp has and sends the rest; a price change on a segment that has
///   been distributed fails with `pricing_frozen` before anything is sent (money is not changed silently).
/// - Deactivating sets `status: INACTIVE`; a segment LiveRamp no longer knows (404) counts as deactivated.
/// - LiveRamp keeps no caller key, so `findSegment` looks a segment up by its (seller-prefixed) name.
/// - Errors are `{httpStatus, errorCode, message}`; the message and code reach `PlatformError`, credentials never do.
struct LiveRampClient: PlatformClient {
    static let defaultAPI = "https://api.liveramp.com"
    static let defaultTokenURL = "https://serviceaccounts.liveramp.com/authn/v1/oauth2/token"
    static let clientID = "liveramp-api"
    static let segmentsPath = "/v1/segments"
    /// Standard Data Marketplace segments, offered to every buyer (CUSTOM and DIRECT ones need allowlists).
    static let segmentType = "SYNDICATED"
    /// Pages `findSegment` reads at most (100 segments each).
    static let maxPages = 50

    /// New and changed segments wait for LiveRamp's review before they are distributed.
    var reviewsSegments: Bool { true }

    let baseURL: String
    let tokenURL: String
    /// `LR-Org-Id`; without it every call fails with `invalid_config`.
    let orgID: String?
    /// Names must begin with it; without it creates and updates fail with `invalid_config`.
    let sellerName: String?
    /// The connection's default data source location, for segments that name none.
    let dataSourceLocation: String?
    let credentials: [String: String]
    let tokens: OAuthTokenCache
    let http: PlatformHTTP
    let logger: Logger

    init(config: OutboundConfig, credentials: [String: String], tokens: OAuthTokenCache, http: PlatformHTTP, logger: Logger) {
        let base = config.apiBaseURL ?? Self.defaultAPI
        self.baseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.tokenURL = config.tokenURL ?? Self.defaultTokenURL
        self.orgID = config.lrOrgID.flatMap { $0.isEmpty ? nil : $0 }
        self.sellerName = config.sellerName.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        self.dataSourceLocation = config.dataSourceLocation
        self.credentials = credentials
        self.tokens = tokens
        self.http = http
        self.logger = logger
    }

    func testConnection() async -> ConnectionTestResult {
        do {
            _ = try await self.call(.GET, Self.segmentsPath + "?limit=1", body: nil, what: "List segments")
            return ConnectionTestResult(success: true, message: "Connected; LiveRamp answered a segment list for org \(self.orgID ?? "").")
        } catch let error as PlatformError {
            return .failure(error.code, error.message)
        } catch {
            return .failure("network", "The test failed unexpectedly.")
        }
    }

    func createSegment(_ segment: CreateSegmentParams) async throws -> CreatedSegment {
        let name = try self.sellerPrefixed(segment.name)
        var body: [String: JSONValue] = [
            "name": .string(name), "type": .string(Self.segmentType), "description": .string(segment.description),
            "restrictions": ["permittedUseCases": ["digitalAdTargeting": true]],
            "pricing": Self.pricing(cents: segment.cpmCents, currency: segment.currency),
        ]
        if let location = segment.dataSourceLocation ?? self.dataSourceLocation { body["dataSourceLocation"] = .string(location) }
        let answer = try await self.call(.POST, Self.segmentsPath, body: .object(body), what: "Create segment", idempotent: false)
        guard let created = Remote(answer.json), !created.id.isEmpty else {
            throw PlatformError(code: "invalid_response", message: "Create segment: LiveRamp answered no segmentId", status: answer.status)
        }
        return CreatedSegment(id: created.id, state: created.status == "ACTIVE" ? .active : .pendingReview)
    }

    func updateSegment(_ id: String, _ segment: UpdateSegmentParams) async throws {
        let name = try self.sellerPrefixed(segment.name)
        guard let current = try await self.read(id) else {
            throw PlatformError(code: "not_found", message: "Update segment: LiveRamp has no segment \(id)", status: 404)
        }
        var body: [String: JSONValue] = ["description": .string(segment.description)]
        if name != current.name {
            if current.nameFrozen {
                self.logger.notice("LiveRamp segment name is frozen; keeping it", metadata: ["segment": "\(id)", "kept": "\(current.name)"])
            } else {
                body["name"] = .string(name)
            }
        }
        if let cents = segment.cpmCents {
            let currency = segment.currency ?? current.currency ?? "USD"
            if current.cpm != Double(cents) / 100 || current.currency != currency {
                guard !current.distributed else {
                    throw PlatformError(
                        code: "pricing_frozen",
                        message: "Update segment: LiveRamp does not allow a price change on segment \(id) once it has been distributed",
                        status: nil
                    )
                }
                body["pricing"] = Self.pricing(cents: cents, currency: currency)
            }
        }
        _ = try await self.call(.PATCH, Self.segmentPath(id), body: .object(body), what: "Update segment")
    }

    func deactivateSegment(_ id: String) async throws {
        _ = try await self.call(.PATCH, Self.segmentPath(id), body: ["status": "INACTIVE"], what: "Deactivate segment", missingIsAnswer: true)
    }

    func getSegment(_ id: String) async throws -> PlatformSegment? {
        try await self.read(id)?.platformSegment
    }

    func findSegment(key: String, name: String) async throws -> PlatformSegment? {
        let wanted = try self.sellerPrefixed(name)
        var after: String?
        var found: [Remote] = []
        for _ in 0..<Self.maxPages {
            var query = "?limit=100&name=\(FormEncoding.escape(wanted))"
            if let after { query += "&after=\(FormEncoding.escape(after))" }
            let answer = try await self.call(.GET, Self.segmentsPath + query, body: nil, what: "Find segment")
            guard case .object(let fields)? = answer.json else { break }
            if case .array(let segments)? = fields["segments"] {
                found += segments.compactMap(Remote.init).filter { $0.name == wanted }
            }
            guard case .object(let page)? = fields["_pagination"], let next = page["after"]?.idText, !next.isEmpty, next != after else { break }
            after = next
        }
        // Two with the same name (one deactivated, then made again): the live one.
        return (found.first { $0.status != "INACTIVE" } ?? found.first)?.platformSegment
    }

    // MARK: Calls

    private func read(_ id: String) async throws -> Remote? {
        let answer = try await self.call(.GET, Self.segmentPath(id), body: nil, what: "Get segment", missingIsAnswer: true)
        if answer.status == 404 { return nil }
        guard let remote = Remote(answer.json) else {
            throw PlatformError(code: "invalid_response", message: "Get segment: LiveRamp answered no segment", status: answer.status)
        }
        return remote
    }

    /// One call with the bearer token and `LR-Org-Id`; a 401 or 403 replaces the token once. A 404 comes back as an
    /// answer when `missingIsAnswer`, every other non-2xx as a `PlatformError`.
    private func call(
        _ method: HTTPMethod, _ path: String, body: JSONValue?, what: String, idempotent: Bool = true, missingIsAnswer: Bool = false
    ) async throws -> PlatformHTTP.Answer {
        guard let orgID = self.orgID else {
            throw PlatformError(code: "invalid_config", message: "LiveRamp connections need config.lr_org_id (sent as LR-Org-Id)", status: nil)
        }
        let json = try body.map { try JSONEncoder().encode($0) }
        var rejected: String?
        while true {
            let token = try await self.token(replacing: rejected)
            let answer = try await self.http.send(
                method, self.baseURL + path, headers: [("Authorization", "Bearer \(token)"), ("LR-Org-Id", orgID)], body: json, idempotent: idempotent,
                what: what, logger: self.logger
            )
            // A refused token never applied the request, so even a create is safe to send again.
            if answer.status == 401 || answer.status == 403, rejected == nil {
                rejected = token
                continue
            }
            if answer.status == 404, missingIsAnswer { return answer }
            guard (200..<300).contains(answer.status) else { throw self.failure(answer, what: what) }
            return answer
        }
    }

    /// `{httpStatus, errorCode, message}` as a `PlatformError`: `unauthorized`, `not_found` or `rejected`.
    private func failure(_ answer: PlatformHTTP.Answer, what: String) -> PlatformError {
        let code = answer.status == 401 || answer.status == 403 ? "unauthorized" : answer.status == 404 ? "not_found" : "rejected"
        var message = answer.platformMessage
        if case .object(let fields)? = answer.json, let errorCode = fields["errorCode"]?.idText, !errorCode.isEmpty {
            message += " (\(errorCode))"
        }
        return PlatformError(code: code, message: self.redacted("\(what): \(message)"), status: answer.status)
    }

    // MARK: Token

    private var account: String? { self.credentials["username"] ?? self.credentials["account_id"] }
    private var secret: String? { self.credentials["password"] ?? self.credentials["secret_key"] }
    private var tokenKey: String { "\(self.tokenURL)|\(Self.clientID)|\(self.account ?? "")" }

    /// The cached token unless it is the one LiveRamp just refused; otherwise a new one, asked for once however many
    /// callers need it at the same time.
    private func token(replacing rejected: String?) async throws -> String {
        try await self.tokens.token(for: self.tokenKey, replacing: rejected) { try await self.requestToken() }
    }

    private func requestToken() async throws -> (String, TimeInterval?) {
        guard let account = self.account, !account.isEmpty, let secret = self.secret, !secret.isEmpty else {
            throw PlatformError(code: "unauthorized", message: "LiveRamp needs credentials username (account id) and password (secret key)", status: nil)
        }
        let form = FormEncoding.encode([
            ("grant_type", "password"), ("username", account), ("password", secret), ("client_id", Self.clientID), ("scope", "openid"),
            ("response_type", "token"),
        ])
        let answer = try await self.http.send(
            .POST, self.tokenURL, headers: [], body: Data(form.utf8), contentType: "application/x-www-form-urlencoded", idempotent: true,
            what: "LiveRamp token request", logger: self.logger
        )
        let (status, json) = (answer.status, answer.json)
        guard (200..<300).contains(status) else {
            var reason = "HTTP \(status)"
            if case .object(let fields)? = json {
                reason = fields["error_description"]?.idText ?? fields["message"]?.idText ?? fields["error"]?.idText ?? reason
            }
            let code = status == 429 || status >= 500 ? "platform_unavailable" : "unauthorized"
            throw PlatformError(code: code, message: self.redacted("LiveRamp token request failed: \(reason)"), status: status)
        }
        guard case .object(let fields)? = json, let token = fields["access_token"]?.idText, !token.isEmpty else {
            throw PlatformError(code: "invalid_response", message: "LiveRamp token request: no access_token in the answer", status: status)
        }
        var expiresIn: TimeInterval?
        if case .number(let seconds)? = fields["expires_in"] { expiresIn = seconds }
        return (token, expiresIn)
    }

    /// A message with the secret key cut out, should a platform ever echo it.
    private func redacted(_ message: String) -> String {
        guard let secret = self.secret, secret.count >= 4 else { return message }
        return message.replacingOccurrences(of: secret, with: "***")
    }

    // MARK: Names and shapes

    /// The name as LiveRamp requires it: beginning with the seller name. "Auto > EV" becomes "Seller > Auto > EV"; a
    /// name whose first level already is the seller name (in any case) keeps its levels, with the seller name spelled
    /// as configured. A first level that merely starts with the seller name ("SellerCo" for "Seller") is not it.
    private func sellerPrefixed(_ name: String) throws -> String {
        guard let seller = self.sellerName else {
            throw PlatformError(code: "invalid_config", message: "LiveRamp connections need config.seller_name: segment names must begin with it", status: nil)
        }
        return Self.prefixed(name, seller: seller)
    }

    static func prefixed(_ name: String, seller: String) -> String {
        let name = name.trimmingCharacters(in: .whitespaces)
        var levels = name.components(separatedBy: ">").map { $0.trimmingCharacters(in: .whitespaces) }
        if levels.first?.caseInsensitiveCompare(seller) == .orderedSame { levels.removeFirst() }
        let rest = levels.filter { !$0.isEmpty }.joined(separator: " > ")
        return rest.isEmpty ? seller : "\(seller) > \(rest)"
    }

    /// Our cents as LiveRamp's Digital Ad Targeting CPM (a decimal) in the segment's currency.
    static func pricing(cents: Int, currency: String) -> JSONValue {
        ["currency": .string(currency), "digitalAdTargeting": ["cpm": .number(Double(cents) / 100)]]
    }

    static func segmentPath(_ id: String) -> String {
        Self.segmentsPath + "/" + (id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id)
    }

    /// A segment as LiveRamp answers it.
    struct Remote {
        var id: String
        var name: String
        /// LiveRamp's own status, upper case: `PENDING_REVIEW`, `ACTIVE`, `INACTIVE`, `REJECTED`.
        var status: String
        var distributed: Bool
        var cpm: Double?
        var currency: String?

        init?(_ json: JSONValue?) {
            guard case .object(let fields)? = json, let id = (fields["segmentId"] ?? fields["id"])?.idText else { return nil }
            self.id = id
            self.name = fields["name"]?.idText ?? ""
            self.status = (fields["status"]?.idText ?? "PENDING_REVIEW").uppercased()
            self.distributed = fields["hasBeenDistributed"] == .bool(true)
            if case .object(let pricing)? = fields["pricing"] {
                self.currency = pricing["currency"]?.idText
                if case .object(let targeting)? = pricing["digitalAdTargeting"], case .number(let cpm)? = targeting["cpm"] { self.cpm = cpm }
            }
        }

        /// Approved (live in the marketplace, so any buyer may distribute it) or already distributed.
        var nameFrozen: Bool { self.status == "ACTIVE" || self.distributed }

        /// Our statuses: `active`, `pending_review`, `inactive`, `rejected` (anything else lower-cased).
        var platformSegment: PlatformSegment {
            PlatformSegment(id: self.id, name: self.name, status: self.status.lowercased())
        }
    }
}
