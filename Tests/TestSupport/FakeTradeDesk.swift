import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// The Trade Desk's third-party data API, for tests only: `POST /v3/authentication` (`{Login, Password}` →
/// `{Token}`), `POST`/`PUT /v3/thirdpartydata`, `POST /v3/thirdpartydata/query` (`{Result: […]}`),
/// `POST /v3/datarate/batch` (`{BatchId}`) and `GET /v3/datarate/batch/:id`. Every data call demands
/// `TTD-Auth` with the current token; `expireToken()` makes the current one answer 401. Errors are `{"Message"}`;
/// a DisplayName containing "REJECT" is refused with 400, and `faults` injects 429s, 503s and slow answers.
public final class FakeTradeDesk: Sendable {
    public struct Element: Sendable, Equatable {
        public var id: String
        public var parent: String
        public var name: String
        public var buyable: Bool
        public var description: String?
    }

    struct State {
        var token = "ttd-token-1"
        var tokensIssued = 0
        var elements: [String: Element] = [:]
        var rates: [String: Double] = [:]
        var batches = 0
    }

    public let login = "ttd-login"
    public let password = "ttd-password"
    public let faults = FakeFaults(messageKey: "Message")
    private let state = Mutex(State())

    public init() {}

    public var elements: [String: Element] { self.state.withLock { $0.elements } }
    public var rates: [String: Double] { self.state.withLock { $0.rates } }
    public var tokensIssued: Int { self.state.withLock { $0.tokensIssued } }
    public var currentToken: String { self.state.withLock { $0.token } }

    /// The current token stops working; the next authentication issues a new one.
    public func expireToken() { self.state.withLock { $0.token += "-expired" } }

    public func run<T: Sendable>(_ body: @escaping @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        let ttd = self
        router.add(middleware: FakeFaults.Middleware(faults: self.faults))
        router.post("v3/authentication") { request, _ -> Response in
            let fields = try await FakeJSON.body(request)
            guard fields["Login"] as? String == ttd.login, fields["Password"] as? String == ttd.password else {
                return FakeJSON.response(["Message": "Invalid login or password"], status: .unauthorized)
            }
            let token = ttd.state.withLock { state -> String in
                state.tokensIssued += 1
                state.token = "ttd-token-\(state.tokensIssued + 1)"
                return state.token
            }
            return FakeJSON.response(["Token": token])
        }
        router.post("v3/thirdpartydata") { request, _ -> Response in
            if let refused = ttd.refuse(request) { return refused }
            let fields = try await FakeJSON.body(request)
            guard let id = fields["ProviderElementId"] as? String, let name = fields["DisplayName"] as? String else {
                return FakeJSON.response(["Message": "ProviderElementId and DisplayName are required"], status: .badRequest)
            }
            if name.contains("REJECT") { return FakeJSON.response(["Message": "DisplayName '\(name)' is not allowed"], status: .badRequest) }
            let created = ttd.state.withLock { state -> Bool in
                guard state.elements[id] == nil else { return false }
                state.elements[id] = Element(
                    id: id, parent: fields["ParentElementId"] as? String ?? "ROOT", name: name, buyable: fields["Buyable"] as? Bool ?? false,
                    description: fields["Description"] as? String
                )
                return true
            }
            return created ? FakeJSON.response(["ProviderElementId": id]) : FakeJSON.response(["Message": "Element \(id) already exists"], status: .badRequest)
        }
        router.put("v3/thirdpartydata") { request, _ -> Response in
            if let refused = ttd.refuse(request) { return refused }
            let fields = try await FakeJSON.body(request)
            guard let id = fields["ProviderElementId"] as? String else { return FakeJSON.response(["Message": "ProviderElementId is required"], status: .badRequest) }
            let found = ttd.state.withLock { state -> Bool in
                guard var element = state.elements[id] else { return false }
                element.name = fields["DisplayName"] as? String ?? element.name
                element.parent = fields["ParentElementId"] as? String ?? element.parent
                element.buyable = fields["Buyable"] as? Bool ?? element.buyable
                element.description = fields["Description"] as? String ?? element.description
                state.elements[id] = element
                return true
            }
            return found ? FakeJSON.response(["ProviderElementId": id]) : FakeJSON.response(["Message": "No element \(id)"], status: .notFound)
        }
        router.post("v3/thirdpartydata/query") { request, _ -> Response in
            if let refused = ttd.refuse(request) { return refused }
            let fields = try await FakeJSON.body(request)
            let wanted = fields["ProviderElementId"] as? String
            let result = ttd.state.withLock { state in
                state.elements.values.filter { wanted == nil || $0.id == wanted }.sorted { $0.id < $1.id }.prefix(1).map {
                    ["ProviderElementId": $0.id, "ParentElementId": $0.parent, "DisplayName": $0.name, "Buyable": $0.buyable] as [String: Any]
                }
            }
            return FakeJSON.response(["Result": result, "ResultCount": result.count])
        }
        router.post("v3/datarate/batch") { request, _ -> Response in
            if let refused = ttd.refuse(request) { return refused }
            let fields = try await FakeJSON.body(request)
            let batch = ttd.state.withLock { state -> Int in
                for rate in fields["DataRates"] as? [[String: Any]] ?? [] {
                    if let id = rate["ProviderElementId"] as? String, let cpm = rate["CPMRate"] as? [String: Any], let amount = cpm["Amount"] as? Double {
                        state.rates[id] = amount
                    }
                }
                state.batches += 1
                return state.batches
            }
            return FakeJSON.response(["BatchId": "batch-\(batch)"])
        }
        router.get("v3/datarate/batch/{id}") { request, _ -> Response in
            if let refused = ttd.refuse(request) { return refused }
            return FakeJSON.response(["Status": "Complete"])
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port ?? 0)")
        }
    }

    private func refuse(_ request: Request) -> Response? {
        guard let field = HTTPField.Name("TTD-Auth"), request.headers[field] == self.currentToken else {
            return FakeJSON.response(["Message": "Authentication token is invalid or expired"], status: .unauthorized)
        }
        return nil
    }
}
