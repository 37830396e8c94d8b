import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// LiveRamp's service-account token endpoint and Data Seller API, for tests only.
///
/// - `POST /authn/v1/oauth2/token`, form-encoded `grant_type=password`, `username`, `password`, `client_id=liveramp-api`,
///   `scope=openid` → `{access_token, token_type, expires_in}`; a wrong field is 400 and a wrong account or key 401,
///   both `{error, error_description}`.
/// - `POST /v1/segments` (201), `GET`/`PATCH /v1/segments/:id`, `GET /v1/segments?name=&limit=&after=` (`{segments,
///   _pagination: {after}}`, names matched case-insensitively by substring). Each demands `Authorization: Bearer` with
///   a live token and `LR-Org-Id` (missing: 400, another org: 403). Errors are `{httpStatus, errorCode, message}`.
/// - A new segment is `PENDING_REVIEW` until `review(_:)`; 422 for a name not beginning with the seller name or
///   containing "REJECT", for a name change once the segment is `ACTIVE` or distributed, and for a price change once
///   it has been distributed (`distribute(_:)`).
/// - Faults, for API calls only: `expireTokens(answering:)` (401 or 403 for every token issued so far),
///   `rateLimitNext` (429, `Retry-After: 0`), `failNext` (503), `delayNext` (the answer is held after the work is done).
public final class FakeLiveRamp: Sendable {
    public struct Segment: Sendable, Equatable {
        public var id: String
        public var name: String
        public var type: String
        public var description: String
        public var dataSourceLocation: String?
        /// `PENDING_REVIEW`, `ACTIVE` or `INACTIVE`.
        public var status: String
        public var distributed: Bool
        public var useCases: [String]
        public var cpm: Double?
        public var currency: String?
    }

    struct State {
        var segments: [Int: Segment] = [:]
        var nextID = 1001
        var liveTokens: Set<String> = []
        var tokensIssued = 0
        var tokenRequests = 0
        var refusal = 401
        var expiresIn = 600
        var calls = 0
        var patches = 0
        var rateLimitNext = 0
        var failNext = 0
        var delayNext = 0
        var delay = Duration.zero
    }

    public let accountID: String
    public let secretKey: String
    public let orgID: String
    public let sellerName: String
    private let state = Mutex(State())

    public init(accountID: String = "lr-svc-account-7", secretKey: String = "lr-secret-key-9f8e7d", orgID: String = "org-4242", sellerName: String = "AudienceHub") {
        self.accountID = accountID
        self.secretKey = secretKey
        self.orgID = orgID
        self.sellerName = sellerName
    }

    public var segments: [Segment] { self.state.withLock { $0.segments.sorted { $0.key < $1.key }.map(\.value) } }
    public func segment(_ id: String) -> Segment? {
        guard let key = Int(id) else { return nil }
        return self.state.withLock { $0.segments[key] }
    }
    /// Every request to the token endpoint, granted or not.
    public var tokenRequests: Int { self.state.withLock { $0.tokenRequests } }
    /// Segment API calls (not token requests), refused ones included.
    public var calls: Int { self.state.withLock { $0.calls } }
    /// PATCHes that changed a segment.
    public var patches: Int { self.state.withLock { $0.patches } }

    /// Every token issued so far stops working: the next call with one is answered `status` (LiveRamp answers 403).
    public func expireTokens(answering status: Int = 401) {
        self.state.withLock {
            $0.liveTokens = []
            $0.refusal = status
        }
    }
    /// The `expires_in` of tokens issued from now on.
    public func setExpiresIn(_ seconds: Int) { self.state.withLock { $0.expiresIn = seconds } }
    /// The next `count` API calls answer 429 with `Retry-After: 0`.
    public func rateLimitNext(_ count: Int) { self.state.withLock { $0.rateLimitNext = count } }
    /// The next `count` API calls answer 503.
    public func failNext(_ count: Int) { self.state.withLock { $0.failNext = count } }
    /// The next `count` API calls do their work, then hold the answer for `delay`.
    public func delayNext(_ count: Int, by delay: Duration) {
        self.state.withLock {
            $0.delayNext = count
            $0.delay = delay
        }
    }
    /// LiveRamp's review approves the segment: `PENDING_REVIEW` becomes `ACTIVE`.
    public func review(_ id: String) {
        self.state.withLock { state in
            guard let id = Int(id), state.segments[id]?.status == "PENDING_REVIEW" else { return }
            state.segments[id]?.status = "ACTIVE"
        }
    }
    /// A buyer distributed the segment: its price can no longer change.
    public func distribute(_ id: String) {
        self.state.withLock { state in
            guard let id = Int(id) else { return }
            state.segments[id]?.distributed = true
        }
    }

    public func run<T: Sendable>(_ body: @escaping @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        let lr = self
        router.add(middleware: Gate(fake: lr))
        router.post("authn/v1/oauth2/token") { request, _ -> Response in try await lr.token(request) }
        router.post("v1/segments") { request, _ -> Response in try await lr.create(request) }
        router.get("v1/segments") { request, _ -> Response in lr.list(request) }
        router.get("v1/segments/{id}") { _, context -> Response in
            guard let segment = lr.segment(context.parameters.get("id") ?? "") else { return lr.missing(context.parameters.get("id")) }
            return FakeJSON.response(Self.json(segment))
        }
        router.patch("v1/segments/{id}") { request, context -> Response in try await lr.patch(request, id: context.parameters.get("id") ?? "") }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port ?? 0)")
        }
    }

    // MARK: Token

    private func token(_ request: Request) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 1 << 16)
        let form = Self.form(String(buffer: buffer))
        self.state.withLock { $0.tokenRequests += 1 }
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else {
            return FakeJSON.response(["error": "invalid_request", "error_description": "Expected a form-encoded body"], status: .badRequest)
        }
        for (field, value) in [("grant_type", "password"), ("client_id", "liveramp-api"), ("scope", "openid")] where form[field] != value {
            return FakeJSON.response(["error": "invalid_request", "error_description": "\(field) must be \(value)"], status: .badRequest)
        }
        guard form["username"] == self.accountID, form["password"] == self.secretKey else {
            return FakeJSON.response(["error": "invalid_grant", "error_description": "Invalid service account credentials"], status: .unauthorized)
        }
        let (token, expiresIn) = self.state.withLock { state -> (String, Int) in
            state.tokensIssued += 1
            let token = "lr-token-\(state.tokensIssued)"
            state.liveTokens.insert(token)
            return (token, state.expiresIn)
        }
        return FakeJSON.response(["access_token": token, "token_type": "Bearer", "expires_in": expiresIn])
    }

    static func form(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    // MARK: Segments

    private func create(_ request: Request) async throws -> Response {
        let fields = try await FakeJSON.body(request)
        let name = fields["name"] as? String ?? ""
        if let refused = self.refuseName(name) { return refused }
        guard let type = fields["type"] as? String, ["SYNDICATED", "CUSTOM", "DIRECT"].contains(type) else {
            return Self.error(.unprocessableContent, "INVALID_SEGMENT_TYPE", "type must be SYNDICATED, CUSTOM or DIRECT")
        }
        let restrictions = fields["restrictions"] as? [String: Any]
        let useCases = ((restrictions?["permittedUseCases"] as? [String: Any]) ?? [:]).filter { $0.value as? Bool == true }.map(\.key).sorted()
        guard !useCases.isEmpty else { return Self.error(.unprocessableContent, "MISSING_USE_CASE", "At least one permitted use case is required") }
        let (cpm, currency) = Self.pricing(fields["pricing"])
        guard let currency, !useCases.contains("digitalAdTargeting") || cpm != nil else {
            return Self.error(.unprocessableContent, "MISSING_PRICING", "pricing.currency and a price for every permitted use case are required")
        }
        let segment = self.state.withLock { state -> Segment? in
            guard !state.segments.values.contains(where: { $0.name == name && $0.status != "INACTIVE" }) else { return nil }
            let segment = Segment(
                id: String(state.nextID), name: name, type: type, description: fields["description"] as? String ?? "",
                dataSourceLocation: fields["dataSourceLocation"] as? String, status: "PENDING_REVIEW", distributed: false, useCases: useCases, cpm: cpm,
                currency: currency
            )
            state.segments[state.nextID] = segment
            state.nextID += 1
            return segment
        }
        guard let segment else { return Self.error(.unprocessableContent, "DUPLICATE_SEGMENT_NAME", "A segment named '\(name)' already exists") }
        return FakeJSON.response(Self.json(segment), status: .created)
    }

    private func patch(_ request: Request, id: String) async throws -> Response {
        let fields = try await FakeJSON.body(request)
        guard let current = self.segment(id), let key = Int(id) else { return self.missing(id) }
        var segment = current
        if let name = fields["name"] as? String, name != current.name {
            if current.status == "ACTIVE" || current.distributed {
                return Self.error(.unprocessableContent, "NAME_FROZEN", "Segment names cannot be edited once a segment is available for distribution")
            }
            if let refused = self.refuseName(name) { return refused }
            segment.name = name
        }
        if fields["pricing"] != nil {
            let (cpm, currency) = Self.pricing(fields["pricing"])
            if cpm != current.cpm || currency != current.currency {
                if current.distributed {
                    return Self.error(.unprocessableContent, "PRICING_FROZEN", "Prices of a distributed segment cannot be updated")
                }
                segment.cpm = cpm
                segment.currency = currency
            }
        }
        if let description = fields["description"] as? String { segment.description = description }
        if let location = fields["dataSourceLocation"] as? String { segment.dataSourceLocation = location }
        if let status = fields["status"] as? String {
            guard status == "INACTIVE" else { return Self.error(.unprocessableContent, "INVALID_STATUS", "status can only be set to INACTIVE") }
            segment.status = status
        }
        self.state.withLock { state in
            state.segments[key] = segment
            state.patches += 1
        }
        return FakeJSON.response(Self.json(segment))
    }

    private func list(_ request: Request) -> Response {
        let name = request.uri.queryParameters.get("name")?.lowercased()
        let limit = min(max(request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 25, 1), 100)
        let after = request.uri.queryParameters.get("after").flatMap(Int.init) ?? 0
        let matching = self.state.withLock { state in
            state.segments.filter { $0.key > after && (name == nil || $0.value.name.lowercased().contains(name ?? "")) }.sorted { $0.key < $1.key }
        }
        let page = matching.prefix(limit)
        var pagination: [String: Any] = [:]
        if matching.count > limit, let last = page.last { pagination["after"] = String(last.key) }
        return FakeJSON.response(["segments": page.map { Self.json($0.value) }, "_pagination": pagination])
    }

    private func refuseName(_ name: String) -> Response? {
        guard !name.isEmpty else { return Self.error(.unprocessableContent, "MISSING_NAME", "name is required") }
        guard name.hasPrefix(self.sellerName) else {
            return Self.error(.unprocessableContent, "INVALID_SEGMENT_NAME", "Segment name must begin with the data seller name '\(self.sellerName)'")
        }
        guard !name.contains("REJECT") else {
            return Self.error(.unprocessableContent, "SEGMENT_REJECTED", "Segment name '\(name)' does not meet the Data Marketplace guidelines")
        }
        return nil
    }

    private func missing(_ id: String?) -> Response {
        Self.error(.notFound, "SEGMENT_NOT_FOUND", "No Data Marketplace segment \(id ?? "") for this seller")
    }

    static func pricing(_ value: Any?) -> (cpm: Double?, currency: String?) {
        let pricing = value as? [String: Any]
        let targeting = pricing?["digitalAdTargeting"] as? [String: Any]
        return ((targeting?["cpm"] as? NSNumber)?.doubleValue, pricing?["currency"] as? String)
    }

    static func json(_ segment: Segment) -> [String: Any] {
        var pricing: [String: Any] = [:]
        if let currency = segment.currency { pricing["currency"] = currency }
        if let cpm = segment.cpm { pricing["digitalAdTargeting"] = ["cpm": cpm] }
        var json: [String: Any] = [
            "segmentId": Int(segment.id) ?? 0, "name": segment.name, "type": segment.type, "description": segment.description,
            "status": segment.status, "hasBeenDistributed": segment.distributed,
            "restrictions": ["permittedUseCases": Dictionary(uniqueKeysWithValues: segment.useCases.map { ($0, true) })], "pricing": pricing,
        ]
        if let location = segment.dataSourceLocation { json["dataSourceLocation"] = location }
        return json
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        FakeJSON.response(["httpStatus": Int(status.code), "errorCode": code, "message": message], status: status)
    }

    /// Auth, `LR-Org-Id` and the injected faults, for the segment API (the token endpoint passes straight through).
    struct Gate: RouterMiddleware {
        let fake: FakeLiveRamp

        func handle(_ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response) async throws -> Response {
            guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
            let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
            let (live, refusal, fault) = self.fake.state.withLock { state -> (Bool, Int, Int?) in
                state.calls += 1
                let live = bearer.map { state.liveTokens.contains($0) } ?? false
                guard live else { return (false, state.refusal, nil) }
                if state.rateLimitNext > 0 {
                    state.rateLimitNext -= 1
                    return (true, 0, 429)
                }
                if state.failNext > 0 {
                    state.failNext -= 1
                    return (true, 0, 503)
                }
                return (true, 0, nil)
            }
            guard live else {
                return FakeLiveRamp.error(HTTPResponse.Status(code: refusal), "INVALID_TOKEN", "The access token is invalid or has expired")
            }
            guard let orgField = HTTPField.Name("LR-Org-Id"), let org = request.headers[orgField] else {
                return FakeLiveRamp.error(.badRequest, "MISSING_ORG_ID", "The LR-Org-Id header is required")
            }
            guard org == self.fake.orgID else {
                return FakeLiveRamp.error(.forbidden, "ORG_FORBIDDEN", "The service account is not authorized for organization \(org)")
            }
            if fault == 429 {
                var response = FakeLiveRamp.error(.tooManyRequests, "RATE_LIMITED", "Too many requests")
                response.headers[.retryAfter] = "0"
                return response
            }
            if fault == 503 { return FakeLiveRamp.error(.serviceUnavailable, "UNAVAILABLE", "Service temporarily unavailable") }
            let response = try await next(request, context)
            let delay = self.fake.state.withLock { state -> Duration in
                guard state.delayNext > 0 else { return .zero }
                state.delayNext -= 1
                return state.delay
            }
            if delay > .zero { try await Task.sleep(for: delay) }
            return response
        }
    }
}
