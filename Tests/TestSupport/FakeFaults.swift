import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// What a fake platform can be told to do to its next calls: answer 429 with `Retry-After: 0`, answer 503, or
/// answer late. Every call is counted. Errors use the platform's own message key (`message`, `Message`).
public final class FakeFaults: Sendable {
    struct State {
        var rateLimitNext = 0
        var failNext = 0
        var delayNext = 0
        var delay = Duration.zero
        var calls = 0
    }

    private let state = Mutex(State())
    let messageKey: String

    init(messageKey: String) {
        self.messageKey = messageKey
    }

    public var calls: Int { self.state.withLock { $0.calls } }
    /// The next `count` calls answer 429 with `Retry-After: 0`.
    public func rateLimitNext(_ count: Int) { self.state.withLock { $0.rateLimitNext = count } }
    /// The next `count` calls answer 503.
    public func failNext(_ count: Int) { self.state.withLock { $0.failNext = count } }
    /// The next `count` calls are answered after `delay`.
    public func delayNext(_ count: Int, by delay: Duration) {
        self.state.withLock {
            $0.delayNext = count
            $0.delay = delay
        }
    }

    /// Counts the call, waits when told to, and answers the fault due, or nil to let the call through.
    func answer() async throws -> Response? {
        let (delay, status) = self.state.withLock { state -> (Duration, HTTPResponse.Status?) in
            state.calls += 1
            var delay = Duration.zero
            if state.delayNext > 0 {
                state.delayNext -= 1
                delay = state.delay
            }
            if state.rateLimitNext > 0 {
                state.rateLimitNext -= 1
                return (delay, .tooManyRequests)
            }
            if state.failNext > 0 {
                state.failNext -= 1
                return (delay, .serviceUnavailable)
            }
            return (delay, nil)
        }
        if delay > .zero { try await Task.sleep(for: delay) }
        switch status {
        case .tooManyRequests?:
            var response = FakeJSON.response([self.messageKey: "slow down"], status: .tooManyRequests)
            response.headers[.retryAfter] = "0"
            return response
        case let status?:
            return FakeJSON.response([self.messageKey: "temporarily unavailable"], status: status)
        case nil:
            return nil
        }
    }

    struct Middleware: RouterMiddleware {
        let faults: FakeFaults

        func handle(_ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response) async throws -> Response {
            if let fault = try await self.faults.answer() { return fault }
            return try await next(request, context)
        }
    }
}
