import Connectors
import Foundation
import Logging
import NIOHTTP1
import SharedModels

/// A custom REST platform, in the seed's shape: `GET /health`, `POST /segments`, `PUT /segments/:id`,
/// `DELETE /segments/:id`, `GET /segments/:id`, with bearer, api_key, header or basic auth. A create also sends our
/// key as `external_id`, and `GET /segments?external_id=` finds what an ambiguous create may have made.
struct CustomAPIClient: PlatformClient {
    let baseURL: String
    let authHeaders: [(String, String)]
    let http: PlatformHTTP
    let logger: Logger

    init(baseURL: String, authType: AuthType, credentials: [String: String], http: PlatformHTTP, logger: Logger) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.authHeaders = InboundAuth.headers(authType, credentials: credentials)
        self.http = http
        self.logger = logger
    }

    func testConnection() async -> ConnectionTestResult {
        do {
            let answer = try await self.http.send(.GET, self.baseURL + "/health", headers: self.authHeaders, idempotent: true, what: "Health check", logger: self.logger)
            switch answer.status {
            case 200..<300: return ConnectionTestResult(success: true, message: "Connected; the platform answered its health check.")
            case 401, 403: return .failure("unauthorized", "Authentication failed: the platform answered \(answer.status) (\(answer.platformMessage)).")
            default: return .failure("http_status", "The platform answered \(answer.status) (\(answer.platformMessage)).")
            }
        } catch let error as PlatformError {
            return .failure(error.code, error.message)
        } catch {
            return .failure("network", "The test failed unexpectedly.")
        }
    }

    func createSegment(_ segment: CreateSegmentParams) async throws -> CreatedSegment {
        var body: [String: JSONValue] = [
            "external_id": .string(segment.key), "name": .string(segment.name), "description": .string(segment.description), "price": .number(Double(segment.cpmCents) / 100),
            "currency": .string(segment.currency),
        ]
        if let location = segment.dataSourceLocation { body["data_source_location"] = .string(location) }
        let answer = try await self.call(.POST, "/segments", body: .object(body), idempotent: false, what: "Create segment")
        guard case .object(let fields)? = answer.json, let id = fields["id"]?.idText else {
            throw PlatformError(code: "invalid_response", message: "Create segment: the platform answered no segment id", status: answer.status)
        }
        return CreatedSegment(id: id, state: .active)
    }

    func updateSegment(_ id: String, _ segment: UpdateSegmentParams) async throws {
        var body: [String: JSONValue] = ["name": .string(segment.name), "description": .string(segment.description)]
        if let cents = segment.cpmCents { body["price"] = .number(Double(cents) / 100) }
        if let currency = segment.currency { body["currency"] = .string(currency) }
        _ = try await self.call(.PUT, "/segments/\(Self.escape(id))", body: .object(body), idempotent: true, what: "Update segment")
    }

    func deactivateSegment(_ id: String) async throws {
        _ = try await self.call(.DELETE, "/segments/\(Self.escape(id))", body: nil, idempotent: true, what: "Deactivate segment", missingIsDone: true)
    }

    func getSegment(_ id: String) async throws -> PlatformSegment? {
        let answer = try await self.http.send(
            .GET, self.baseURL + "/segments/\(Self.escape(id))", headers: self.authHeaders, idempotent: true, what: "Get segment", logger: self.logger
        )
        if answer.status == 404 { return nil }
        try Self.check(answer, what: "Get segment")
        guard case .object(let fields)? = answer.json, let found = fields["id"]?.idText else {
            throw PlatformError(code: "invalid_response", message: "Get segment: the platform answered no segment", status: answer.status)
        }
        return Self.segment(fields, id: found)
    }

    func findSegment(key: String, name: String) async throws -> PlatformSegment? {
        let answer = try await self.call(.GET, "/segments?external_id=\(FormEncoding.escape(key))", body: nil, idempotent: true, what: "Find segment")
        let found: [JSONValue]
        switch answer.json {
        case .array(let items)?: found = items
        case .object(let fields)?: if case .array(let items)? = fields["data"] { found = items } else { found = [] }
        default: found = []
        }
        for case .object(let fields) in found {
            if let id = fields["id"]?.idText { return Self.segment(fields, id: id) }
        }
        return nil
    }

    private static func segment(_ fields: [String: JSONValue], id: String) -> PlatformSegment {
        PlatformSegment(id: id, name: fields["name"]?.idText ?? "", status: fields["status"]?.idText ?? "unknown")
    }

    private func call(
        _ method: HTTPMethod, _ path: String, body: JSONValue?, idempotent: Bool, what: String, missingIsDone: Bool = false
    ) async throws -> PlatformHTTP.Answer {
        let json = try body.map { try JSONEncoder().encode($0) }
        let answer = try await self.http.send(
            method, self.baseURL + path, headers: self.authHeaders, body: json, idempotent: idempotent, what: what, logger: self.logger
        )
        if missingIsDone, answer.status == 404 { return answer }
        try Self.check(answer, what: what)
        return answer
    }

    /// A non-2xx answer as an error carrying the platform's message: `unauthorized`, `not_found` or `rejected`.
    private static func check(_ answer: PlatformHTTP.Answer, what: String) throws {
        guard !(200..<300).contains(answer.status) else { return }
        let code = answer.status == 401 || answer.status == 403 ? "unauthorized" : answer.status == 404 ? "not_found" : "rejected"
        throw PlatformError(code: code, message: "\(what): \(answer.platformMessage)", status: answer.status)
    }

    private static func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
    }
}
