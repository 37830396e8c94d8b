import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// The Anthropic Messages API, for tests only: `POST /v1/messages` answers a `tool_use` block with `answer` as
/// its input, or fails the way the real API does (429 rate limit, 529 overloaded, a hang, malformed tool output).
/// It demands `x-api-key` and `anthropic-version`, and counts the calls it received.
public final class FakeAnthropicAPI: Sendable {
    public enum Mode: Sendable {
        case answer([String: String])
        case rateLimited
        case overloaded
        case hang
        case malformedToolOutput
    }

    public let mode: Mode
    public let apiKey = "fake-llm-key"
    private let calls = Mutex(0)

    public init(_ mode: Mode) {
        self.mode = mode
    }

    public var callCount: Int { self.calls.withLock { $0 } }

    /// Serves the fake on a free local port while `body` runs; `body` gets the base URL.
    public func run<T: Sendable>(_ body: @escaping @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("v1/messages") { request, _ -> Response in
            guard request.headers[.init("x-api-key")!] == self.apiKey, request.headers[.init("anthropic-version")!] != nil else {
                return Self.error(401, "authentication_error")
            }
            self.calls.withLock { $0 += 1 }
            let payload = try await request.body.collect(upTo: 1 << 20)
            let json = (try? JSONSerialization.jsonObject(with: Data(payload.readableBytesView)) as? [String: Any]) ?? [:]
            let toolName = ((json["tools"] as? [[String: Any]])?.first?["name"] as? String) ?? "tool"
            switch self.mode {
            case .answer(let input):
                return Self.message(content: [["type": "tool_use", "id": "toolu_1", "name": toolName, "input": input]])
            case .malformedToolOutput:
                return Self.message(content: [["type": "text", "text": "I think it is about cars."]])
            case .rateLimited:
                return Self.error(429, "rate_limit_error", headers: [.retryAfter: "30"])
            case .overloaded:
                return Self.error(529, "overloaded_error")
            case .hang:
                try await Task.sleep(for: .seconds(3))
                return Self.error(500, "api_error")
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port ?? 0)") }
    }

    static func message(content: [[String: Any]]) -> Response {
        let body: [String: Any] = [
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-6", "content": content,
            "stop_reason": "tool_use", "usage": ["input_tokens": 120, "output_tokens": 40],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: Int, _ type: String, headers: HTTPFields = [:]) -> Response {
        let body = #"{"type":"error","error":{"type":"\#(type)","message":"fake"}}"#
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
