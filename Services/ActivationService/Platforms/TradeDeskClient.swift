import Connectors
import Foundation
import Logging
import NIOHTTP1
import SharedModels

/// The Trade Desk: segments are third-party data elements of the connection's provider. A name's path ("Auto > EV >
/// Tesla Model 3 Buyers") is a hierarchy of elements under ROOT; the leaf's `ProviderElementId` is our topic's key,
/// so it is deterministic and never changes. There is no delete: deactivating sets `Buyable: false`. CPM goes
/// through a data-rate batch. Auth is `TTD-Auth: <token>`, the configured token or one from `POST /v3/authentication`.
struct TradeDeskClient: PlatformClient {
    static let maxElementID = 512

    let baseURL: String
    let providerID: String
    let credentials: [String: String]
    let tokens: OAuthTokenCache
    let http: PlatformHTTP
    let logger: Logger

    func testConnection() async -> ConnectionTestResult {
        do {
            _ = try await self.query(elementID: nil)
            return ConnectionTestResult(success: true, message: "Connected; provider \(self.providerID) answered a data query.")
        } catch let error as PlatformError {
            return .failure(error.code, error.message)
        } catch {
            return .failure("network", "The test failed unexpectedly.")
        }
    }

    func createSegment(_ segment: CreateSegmentParams) async throws -> CreatedSegment {
        let path = Self.path(segment.name)
        var parent = "ROOT"
        for depth in path.indices.dropLast() {
            let id = Self.parentID(path[...depth])
            try await self.upsert(["ProviderElementId": .string(id), "ParentElementId": .string(parent), "DisplayName": .string(path[depth]), "Buyable": false])
            parent = id
        }
        let leaf = String(segment.key.prefix(Self.maxElementID))
        try await self.upsert([
            "ProviderElementId": .string(leaf), "ParentElementId": .string(parent), "DisplayName": .string(path.last ?? segment.name),
            "Description": .string(segment.description), "Buyable": true,
        ])
        try await self.rate(leaf, cents: segment.cpmCents, currency: segment.currency)
        return CreatedSegment(id: leaf, state: .active)
    }

    func updateSegment(_ id: String, _ segment: UpdateSegmentParams) async throws {
        let path = Self.path(segment.name)
        let parent = path.count > 1 ? Self.parentID(path.dropLast()) : "ROOT"
        _ = try await self.call(
            .PUT, "/v3/thirdpartydata",
            body: self.element([
                "ProviderElementId": .string(id), "ParentElementId": .string(parent), "DisplayName": .string(path.last ?? segment.name),
                "Description": .string(segment.description), "Buyable": true,
            ]),
            what: "Update data element"
        )
        if let cents = segment.cpmCents { try await self.rate(id, cents: cents, currency: segment.currency) }
    }

    func deactivateSegment(_ id: String) async throws {
        _ = try await self.call(.PUT, "/v3/thirdpartydata", body: self.element(["ProviderElementId": .string(id), "Buyable": false]), what: "Deactivate data element")
    }

    func getSegment(_ id: String) async throws -> PlatformSegment? {
        guard case .object(let element)? = try await self.query(elementID: id).first else { return nil }
        let name = element["DisplayName"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? ""
        let buyable = element["Buyable"] == .bool(true)
        return PlatformSegment(id: id, name: name, status: buyable ? "active" : "inactive")
    }

    /// The leaf's id is our key, so the key finds it.
    func findSegment(key: String, name: String) async throws -> PlatformSegment? {
        try await self.getSegment(String(key.prefix(Self.maxElementID)))
    }

    // MARK: Calls

    /// Creates an element, or updates it when the provider already has one with that id.
    private func upsert(_ fields: [String: JSONValue]) async throws {
        do {
            _ = try await self.call(.POST, "/v3/thirdpartydata", body: self.element(fields), what: "Create data element", idempotent: false)
        } catch let error as PlatformError where error.status == 409 || (error.status == 400 && error.message.lowercased().contains("already exists")) {
            _ = try await self.call(.PUT, "/v3/thirdpartydata", body: self.element(fields), what: "Update data element")
        }
    }

    private func query(elementID: String?) async throws -> [JSONValue] {
        var body: [String: JSONValue] = ["ProviderId": .string(self.providerID), "PageStartIndex": 0, "PageSize": 1]
        if let elementID { body["ProviderElementId"] = .string(elementID) }
        let answer = try await self.call(.POST, "/v3/thirdpartydata/query", body: .object(body), what: "Query data elements")
        guard case .object(let fields)? = answer.json, case .array(let result)? = fields["Result"] else { return [] }
        return result
    }

    /// Sets the CPM through a data-rate batch and waits (briefly) for the batch to be processed.
    private func rate(_ id: String, cents: Int, currency: String?) async throws {
        let rate: JSONValue = [
            "ProviderElementId": .string(id), "RateType": "CPM",
            "CPMRate": ["Amount": .number(Double(cents) / 100), "CurrencyCode": .string(currency ?? "USD")],
        ]
        let answer = try await self.call(
            .POST, "/v3/datarate/batch", body: ["ProviderId": .string(self.providerID), "DataRates": [rate]], what: "Set data rate", idempotent: false
        )
        guard case .object(let fields)? = answer.json, case .string(let batch)? = fields["BatchId"] else {
            throw PlatformError(code: "invalid_response", message: "Set data rate: The Trade Desk answered no BatchId", status: answer.status)
        }
        for _ in 0..<20 {
            let status = try await self.call(.GET, "/v3/datarate/batch/\(batch)", body: nil, what: "Data rate batch status")
            guard case .object(let fields)? = status.json, case .string(let state)? = fields["Status"] else { return }
            if state == "Complete" { return }
            if state == "Failed" { throw PlatformError(code: "rejected", message: "Set data rate: batch \(batch) failed", status: status.status) }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    private func element(_ fields: [String: JSONValue]) -> JSONValue {
        .object(fields.merging(["ProviderId": .string(self.providerID)]) { $1 })
    }

    /// One call with `TTD-Auth`; a 401 or 403 gets one new token (when we have a login to get it with), shared with
    /// the calls that were refused the same token meanwhile.
    private func call(_ method: HTTPMethod, _ path: String, body: JSONValue?, what: String, idempotent: Bool = true) async throws -> PlatformHTTP.Answer {
        let json = try body.map { try JSONEncoder().encode($0) }
        var rejected: String?
        while true {
            let token = try await self.token(replacing: rejected)
            let answer = try await self.http.send(
                method, self.baseURL + path, headers: [("TTD-Auth", token)], body: json, idempotent: idempotent, what: what, logger: self.logger
            )
            if (answer.status == 401 || answer.status == 403), rejected == nil, self.login != nil {
                rejected = token
                continue
            }
            guard (200..<300).contains(answer.status) else {
                let code = answer.status == 401 || answer.status == 403 ? "unauthorized" : answer.status == 404 ? "not_found" : "rejected"
                throw PlatformError(code: code, message: "\(what): \(answer.platformMessage)", status: answer.status)
            }
            return answer
        }
    }

    /// The configured token, or (with a login, `login` or `username`) one from `/v3/authentication`, cached.
    private func token(replacing rejected: String?) async throws -> String {
        guard let login = self.login else { return self.credentials["token"] ?? "" }
        return try await self.tokens.token(for: "\(self.baseURL)|\(login)", replacing: rejected) {
            let body: JSONValue = ["Login": .string(login), "Password": .string(self.credentials["password"] ?? ""), "TokenExpirationInMinutes": 1440]
            let answer = try await self.http.send(
                .POST, self.baseURL + "/v3/authentication", headers: [], body: try JSONEncoder().encode(body), idempotent: true, what: "Authentication",
                logger: self.logger
            )
            guard (200..<300).contains(answer.status), case .object(let fields)? = answer.json, case .string(let token)? = fields["Token"] else {
                throw PlatformError(code: "unauthorized", message: "Authentication failed: \(answer.platformMessage)", status: answer.status)
            }
            return (token, 1440 * 60)
        }
    }

    private var login: String? { self.credentials["login"] ?? self.credentials["username"] }

    // MARK: Names

    /// "Auto > EV > Tesla Model 3 Buyers" as its levels.
    static func path(_ name: String) -> [String] {
        let levels = name.components(separatedBy: ">").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return levels.isEmpty ? [name] : levels
    }

    /// A parent element's id, the same for every segment under it: its path, lowercased, as a slug.
    static func parentID(_ levels: ArraySlice<String>) -> String {
        let slug = levels.map { level in
            String(level.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
        }.joined(separator: ".")
        return String(("ah." + slug).prefix(Self.maxElementID))
    }
}
