import Hummingbird
import HummingbirdTesting
import Logging
import NIOHTTP1
import ServiceKit
import SharedModels
import Testing

/// The internal client over a real socket: it sends the token, request id and caller, and maps errors back.
@Suite struct InternalClientTests {
    struct Echo: Codable, ResponseEncodable {
        var token: String?
        var requestID: String?
        var org: String?
        var actorType: String?
    }

    @Test func propagatesTokenRequestIdAndCallerAndRethrowsErrorEnvelopes() async throws {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.get("echo") { request, _ in
            Echo(
                token: request.headers[.internalToken], requestID: request.headers[.requestID], org: request.headers[.orgID],
                actorType: request.headers[.actorType]
            )
        }
        router.get("missing") { _, _ -> String in throw AppError.notFound("topic_not_found", "No such topic.") }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let topics = InternalClient(
                service: .topics, from: .sync, endpoints: try ServiceEndpoints("http://127.0.0.1:\(port)"), token: "tok"
            )
            let org = OrgID.generate()
            let caller = Caller(orgID: org, actorID: "usr_x", actorType: .session, role: .owner, scopes: [])
            let context = CallContext(requestID: "req-42", caller: caller)
            let echo = try await topics.get("/echo", as: Echo.self, context: context, logger: Logger(label: "test"))
            #expect(echo.token == "tok")
            #expect(echo.requestID == "req-42")
            #expect(echo.org == org.rawValue)
            #expect(echo.actorType == "session")

            let error = await #expect(throws: AppError.self) {
                try await topics.get("/missing", as: Echo.self, context: context, logger: Logger(label: "test"))
            }
            #expect(error?.code == "topic_not_found")
            #expect(error?.status == .notFound)
        }
    }

    @Test func anUnreachableServiceIsA503NotACrash() async throws {
        let topics = InternalClient(
            service: .topics, from: .sync, endpoints: try ServiceEndpoints("http://127.0.0.1:9"), token: "tok", timeout: .milliseconds(500)
        )
        let error = await #expect(throws: AppError.self) {
            try await topics.send(.GET, "/x", context: CallContext(requestID: "r", caller: nil), logger: Logger(label: "test"))
        }
        #expect(error?.code == "service_unavailable")
    }
}
