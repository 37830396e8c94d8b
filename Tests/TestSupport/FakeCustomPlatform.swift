import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A custom REST DSP, for tests only, in the custom-connectors seed's shape: `GET /health`, `POST /segments`
/// (`{name, description, price, currency}` → `{id}`), `PUT`/`GET`/`DELETE /segments/:id`. It demands
/// `Authorization: Bearer <token>` and can fail the way platforms do: 429 with Retry-After or 503 for the next
/// calls, and a 422 `{"message"}` for any segment whose name contains "REJECT".
public final class FakeCustomPlatform: Sendable {
    public struct Segment: Sendable, Equatable {
        public var id: String
        public var name: String
        public var description: String
        public var price: Double?
        public var status: String
    }

    struct State {
        var segments: [String: Segment] = [:]
        var nextID = 1
        var rateLimitNext = 0
        var failNext = 0
        var calls = 0
    }

    public let token: String
    private let state = Mutex(State())

    public init(token: String = "platform-token") {
        self.token = token
    }

    public var segments: [Segment] { self.state.withLock { Array($0.segments.values).sorted { $0.id < $1.id } } }
    public var calls: Int { self.state.withLock { $0.calls } }

    /// The next `count` calls answer 429 with `Retry-After: 0`.
    public func rateLimitNext(_ count: Int) { self.state.withLock { $0.rateLimitNext = count } }
    /// The next `count` calls answer 503.
    public func failNext(_ count: Int) { self.state.withLock { $0.failNext = count } }

    public func run<T: Sendable>(_ body: @escaping @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        let platform = self
        router.add(middleware: FaultMiddleware(platform: platform))
        router.get("health") { _, _ in FakeJSON.response(["status": "ok"]) }
        router.post("segments") { request, _ -> Response in
            let fields = try await FakeJSON.body(request)
            guard let name = fields["name"] as? String, !name.isEmpty else { return FakeJSON.response(["message": "name is required"], status: .unprocessableContent) }
            if name.contains("REJECT") { return FakeJSON.response(["message": "segment name '\(name)' is not allowed"], status: .unprocessableContent) }
            let segment = platform.state.withLock { state -> Segment in
                let segment = Segment(
                    id: "seg-\(state.nextID)", name: name, description: fields["description"] as? String ?? "", price: fields["price"] as? Double,
                    status: "active"
                )
                state.nextID += 1
                state.segments[segment.id] = segment
                return segment
            }
            return FakeJSON.response(["id": segment.id], status: .created)
        }
        router.put("segments/{id}") { request, context -> Response in
            let id = try context.parameters.require("id")
            let fields = try await FakeJSON.body(request)
            let found = platform.state.withLock { state -> Bool in
                guard var segment = state.segments[id] else { return false }
                segment.name = fields["name"] as? String ?? segment.name
                segment.description = fields["description"] as? String ?? segment.description
                segment.price = fields["price"] as? Double ?? segment.price
                state.segments[id] = segment
                return true
            }
            return found ? FakeJSON.response(["id": id]) : FakeJSON.response(["message": "no segment \(id)"], status: .notFound)
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
                return true
            }
            return found ? FakeJSON.response(["id": id, "status": "inactive"]) : FakeJSON.response(["message": "no segment \(id)"], status: .notFound)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port ?? 0)")
        }
    }

    struct FaultMiddleware: RouterMiddleware {
        let platform: FakeCustomPlatform

        func handle(_ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response) async throws -> Response {
            let (rateLimited, failing) = self.platform.state.withLock { state -> (Bool, Bool) in
                state.calls += 1
                if state.rateLimitNext > 0 {
                    state.rateLimitNext -= 1
                    return (true, false)
                }
                if state.failNext > 0 {
                    state.failNext -= 1
                    return (false, true)
                }
                return (false, false)
            }
            guard request.headers[.authorization] == "Bearer \(self.platform.token)" else {
                return FakeJSON.response(["message": "invalid token"], status: .unauthorized)
            }
            if rateLimited {
                var response = FakeJSON.response(["message": "slow down"], status: .tooManyRequests)
                response.headers[.retryAfter] = "0"
                return response
            }
            if failing { return FakeJSON.response(["message": "temporarily unavailable"], status: .serviceUnavailable) }
            return try await next(request, context)
        }
    }
}
