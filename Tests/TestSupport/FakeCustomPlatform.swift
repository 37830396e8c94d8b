import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A custom REST DSP, for tests only, in the custom-connectors seed's shape: `GET /health`, `POST /segments`
/// (`{external_id, name, description, price, currency}` → `{id}`), `PUT`/`GET`/`DELETE /segments/:id` and
/// `GET /segments?external_id=`. It demands `Authorization: Bearer <token>` and can fail the way platforms do: 429
/// with Retry-After or 503 for the next calls, slow answers, and a 422 `{"message"}` for any segment whose name
/// contains "REJECT" (or every segment, once told to reject all).
public final class FakeCustomPlatform: Sendable {
    public struct Segment: Sendable, Equatable {
        public var id: String
        public var externalID: String?
        public var name: String
        public var description: String
        public var price: Double?
        public var currency: String?
        public var status: String
    }

    struct State {
        var segments: [String: Segment] = [:]
        var nextID = 1
        var rejectAll = false
        var writes = 0
    }

    public let token: String
    /// 429s, 503s and slow answers for the next calls.
    public let faults = FakeFaults(messageKey: "message")
    private let state = Mutex(State())

    public init(token: String = "platform-token") {
        self.token = token
    }

    public var segments: [Segment] { self.state.withLock { Array($0.segments.values).sorted { $0.id < $1.id } } }
    public var calls: Int { self.faults.calls }
    /// Creates, updates and deactivations that reached a segment.
    public var writes: Int { self.state.withLock { $0.writes } }

    /// Every create and update answers 422 while this is set.
    public func rejectAll(_ reject: Bool) { self.state.withLock { $0.rejectAll = reject } }

    public func run<T: Sendable>(_ body: @escaping @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        let platform = self
        router.add(middleware: FakeFaults.Middleware(faults: self.faults))
        router.add(middleware: BearerCheck(token: self.token))
        router.get("health") { _, _ in FakeJSON.response(["status": "ok"]) }
        router.post("segments") { request, _ -> Response in
            let fields = try await FakeJSON.body(request)
            guard let name = fields["name"] as? String, !name.isEmpty else { return FakeJSON.response(["message": "name is required"], status: .unprocessableContent) }
            if let rejection = platform.rejection(name) { return rejection }
            let segment = platform.state.withLock { state -> Segment in
                let segment = Segment(
                    id: "seg-\(state.nextID)", externalID: fields["external_id"] as? String, name: name, description: fields["description"] as? String ?? "",
                    price: fields["price"] as? Double, currency: fields["currency"] as? String, status: "active"
                )
                state.nextID += 1
                state.writes += 1
                state.segments[segment.id] = segment
                return segment
            }
            return FakeJSON.response(["id": segment.id], status: .created)
        }
        router.put("segments/{id}") { request, context -> Response in
            let id = try context.parameters.require("id")
            let fields = try await FakeJSON.body(request)
            if let rejection = platform.rejection(fields["name"] as? String ?? "") { return rejection }
            let found = platform.state.withLock { state -> Bool in
                guard var segment = state.segments[id] else { return false }
                segment.name = fields["name"] as? String ?? segment.name
                segment.description = fields["description"] as? String ?? segment.description
                segment.price = fields["price"] as? Double ?? segment.price
                segment.currency = fields["currency"] as? String ?? segment.currency
                segment.status = "active"
                state.writes += 1
                state.segments[id] = segment
                return true
            }
            return found ? FakeJSON.response(["id": id]) : FakeJSON.response(["message": "no segment \(id)"], status: .notFound)
        }
        router.get("segments") { request, _ -> Response in
            let key = request.uri.queryParameters.get("external_id")
            let found = platform.state.withLock { state in state.segments.values.filter { key == nil || $0.externalID == key }.sorted { $0.id < $1.id } }
            return FakeJSON.response(["data": found.map { ["id": $0.id, "name": $0.name, "status": $0.status] }])
        }
        router.get("segments/{id}") { _, context -> Response in
            let id = try context.parameters.require("id")
            guard let segment = platform.state.withLock({ $0.segments[id] }) else { return FakeJSON.response(["message": "no segment \(id)"], status: .notFound) }
            return FakeJSON.response(["id": segment.id, "name": segment.name, "status": segment.status])
        }
        router.delete("segments/{id}") { _, context -> Response in
            let id = try context.parameters.require("id")
            let found = platform.state.withLock { state -> Bool in
                guard state.segments[id] != nil else { return false }
                state.segments[id]?.status = "inactive"
                state.writes += 1
                return true
            }
            return found ? FakeJSON.response(["id": id, "status": "inactive"]) : FakeJSON.response(["message": "no segment \(id)"], status: .notFound)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port ?? 0)")
        }
    }

    private func rejection(_ name: String) -> Response? {
        guard name.contains("REJECT") || self.state.withLock({ $0.rejectAll }) else { return nil }
        return FakeJSON.response(["message": "segment name '\(name)' is not allowed"], status: .unprocessableContent)
    }

    struct BearerCheck: RouterMiddleware {
        let token: String

        func handle(_ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response) async throws -> Response {
            guard request.headers[.authorization] == "Bearer \(self.token)" else {
                return FakeJSON.response(["message": "invalid token"], status: .unauthorized)
            }
            return try await next(request, context)
        }
    }
}
