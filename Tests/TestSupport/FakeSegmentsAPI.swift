import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceKit

/// A customer's segment API, for tests only: offset pages at `/segments` (`{"data":{"segments":[…],"total":N}}`),
/// cursor pages at `/cursor/segments` (`{"items":[…],"next":"…"}`), an OAuth2 token endpoint at `/oauth/token`,
/// and `/hang` (3 s) and `/not-json` for failures. Every data route demands `requiredHeader` when one is set.
public struct FakeSegmentsAPI: Sendable {
    public var records: Int
    /// The header (name, value) a request must carry, or nil for an open API.
    public var requiredHeader: (String, String)?
    /// OAuth2 client the token endpoint accepts; its token is then what `requiredHeader` should demand.
    public var oauthClient: (id: String, secret: String)?
    public static let oauthToken = "fake-access-token-123"

    public init(records: Int = 5, requiredHeader: (String, String)? = nil, oauthClient: (id: String, secret: String)? = nil) {
        self.records = records
        self.requiredHeader = requiredHeader
        self.oauthClient = oauthClient
    }

    public static func record(_ index: Int) -> [String: String] {
        ["id": "seg-\(index)", "name": "Fake Segment \(index)"]
    }

    /// Serves the fake on a free local port for the duration of `body`, which gets its base URL.
    public func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        let api = self
        router.get("segments") { request, _ -> Response in
            try api.authorize(request)
            let limit = Int(request.uri.queryParameters.get("limit") ?? "") ?? 100
            let offset = Int(request.uri.queryParameters.get("offset") ?? "") ?? 0
            let page = (offset..<min(api.records, offset + limit)).map(Self.record)
            return try Self.json(["data": ["segments": page, "total": api.records] as [String: any Sendable]])
        }
        router.get("cursor/segments") { request, _ -> Response in
            try api.authorize(request)
            let limit = Int(request.uri.queryParameters.get("limit") ?? "") ?? 100
            let start = Int(request.uri.queryParameters.get("cursor") ?? "0") ?? 0
            let end = min(api.records, start + limit)
            var page: [String: any Sendable] = ["items": (start..<end).map(Self.record)]
            if end < api.records { page["next"] = String(end) }
            return try Self.json(page)
        }
        router.post("oauth/token") { request, _ -> Response in
            let form = String(buffer: try await request.body.collect(upTo: 1 << 16))
            guard let client = api.oauthClient, form.contains("client_id=\(client.id)"), form.contains("client_secret=\(client.secret)"),
                form.contains("grant_type=client_credentials")
            else { return Response(status: .unauthorized, body: .init(byteBuffer: ByteBuffer(string: #"{"error":"invalid_client"}"#))) }
            return try Self.json(["access_token": Self.oauthToken, "token_type": "bearer", "expires_in": 3600])
        }
        router.get("hang") { _, _ -> String in
            try await Task.sleep(for: .seconds(3))
            return "[]"
        }
        router.get("not-json") { _, _ in "hello" }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port ?? 0)")
        }
    }

    func authorize(_ request: Request) throws {
        guard let (name, value) = self.requiredHeader else { return }
        guard let field = HTTPField.Name(name), request.headers[field] == value else { throw HTTPError(.unauthorized) }
    }

    static func json(_ object: [String: any Sendable]) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
