import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceKit
import SharedModels
import TestSupport
import Testing

/// The shared middleware on a small app: error envelopes, request ids, and the internal token guard.
@Suite struct MiddlewareTests {
    struct Boom: Error {}

    func makeApp(internalToken: String? = nil) -> some ApplicationProtocol {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: NULCharacterMiddleware())
        if let internalToken { router.add(middleware: InternalAuthMiddleware(token: internalToken)) }
        router.get("health") { _, _ in "ok" }
        router.get("echo/{text}") { request, context -> String in
            try context.parameters.require("text") + (request.queryDictionary["q"] ?? "")
        }
        router.post("object") { request, _ -> String in
            "\(try await request.jsonObject(upTo: 1 << 16).count)"
        }
        router.get("app-error") { _, _ -> String in throw AppError.conflict("duplicate_topic", "Already there.", details: .object(["id": .string("ot_x")])) }
        router.get("crash") { _, _ -> String in throw Boom() }
        router.post("decode") { request, context -> String in
            _ = try await request.decode(as: LoginRequest.self, context: context)
            return "ok"
        }
        router.get("whoami") { _, context -> String in
            let caller = try context.requireCaller()
            return "\(caller.orgID) \(caller.actorType.rawValue) \(caller.role.rawValue) \(context.requestID)"
        }
        return Application(router: router)
    }

    @Test func anAppErrorBecomesTheEnvelopeWithItsStatusAndCode() async throws {
        try await self.makeApp().test(.router) { client in
            try await client.execute(uri: "/app-error", method: .get) { response in
                #expect(response.status == .conflict)
                let envelope = try response.json(ErrorEnvelope.self)
                #expect(envelope.error.code == "duplicate_topic")
                #expect(envelope.error.details == .object(["id": .string("ot_x")]))
            }
        }
    }

    /// Postgres cannot store U+0000, so no route may pass it on: a 400 wherever a request can carry it.
    @Test func aNULCharacterIsRefusedInPathsQueriesAndBodies() async throws {
        try await self.makeApp().test(.router) { client in
            for uri in ["/echo/a%00b", "/echo/a?q=x%00", "/echo/a?q%00=x"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(response.errorCode == "invalid_text", "\(uri)")
                }
            }
            try await client.execute(uri: "/echo/a?q=%2500", method: .get) { #expect(String(buffer: $0.body) == "a%00") }
            for (path, body) in [("/decode", #"{"email": "a\u0000@x.io", "password": "p"}"#), ("/object", #"{"a\u0000": 1}"#), ("/object", #"{"a": ["\\\u0000"]}"#)] {
                try await client.execute(uri: path, method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest, "\(body)")
                    #expect(response.errorCode == "invalid_text", "\(body)")
                }
            }
            // An escaped backslash followed by "u0000" is text, not a NUL.
            try await client.execute(uri: "/object", method: .post, body: ByteBuffer(string: #"{"a": "\\u0000", "b": "\\\\u0000"}"#)) {
                #expect(String(buffer: $0.body) == "2")
            }
        }
    }

    @Test func anUnexpectedErrorIsAGeneric500ThatLeaksNothing() async throws {
        try await self.makeApp().test(.router) { client in
            try await client.execute(uri: "/crash", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(response.errorCode == "internal_error")
                #expect(!String(buffer: response.body).contains("Boom"))
            }
        }
    }

    @Test func badJSONAndUnknownRoutesAreEnvelopedToo() async throws {
        try await self.makeApp().test(.router) { client in
            try await client.execute(uri: "/decode", method: .post, body: ByteBuffer(string: "{\"email\": 1}")) { response in
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "bad_request")
            }
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.errorCode == "not_found")
            }
        }
    }

    @Test func aSaneRequestIdIsEchoedAndAnInsaneOneReplaced() async throws {
        try await self.makeApp().test(.router) { client in
            try await client.execute(uri: "/health", method: .get, headers: [.requestID: "abc-123"]) { response in
                #expect(response.headers[.requestID] == "abc-123")
            }
            try await client.execute(uri: "/health", method: .get, headers: [.requestID: "bad id\u{7}"]) { response in
                #expect(response.headers[.requestID]?.hasPrefix("req_") == true)
            }
        }
    }

    @Test func anInternalServiceRefusesCallsWithoutTheToken() async throws {
        try await self.makeApp(internalToken: "secret-token").test(.router) { client in
            try await client.execute(uri: "/whoami", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "internal_token_required")
            }
            try await client.execute(uri: "/whoami", method: .get, headers: [.internalToken: "wrong"]) { response in
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "invalid_internal_token")
            }
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func theForwardedCallerAndRequestIdReachTheHandler() async throws {
        let org = OrgID.generate()
        try await self.makeApp(internalToken: "secret-token").test(.router) { client in
            let headers: HTTPFields = [
                .internalToken: "secret-token", .orgID: org.rawValue, .actorType: "session", .actorRole: "owner", .requestID: "r-1",
            ]
            try await client.execute(uri: "/whoami", method: .get, headers: headers) { response in
                #expect(String(buffer: response.body) == "\(org) session owner r-1")
            }
            try await client.execute(uri: "/whoami", method: .get, headers: [.internalToken: "secret-token"]) { response in
                #expect(response.errorCode == "unauthenticated")
            }
            try await client.execute(uri: "/whoami", method: .get, headers: [.internalToken: "secret-token", .orgID: "nope"]) { response in
                #expect(response.errorCode == "invalid_org_id")
            }
        }
    }
}
