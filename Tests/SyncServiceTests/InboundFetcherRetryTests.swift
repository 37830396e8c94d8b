import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import HummingbirdTesting
import Logging
import SharedModels
import TestSupport
import Testing

@testable import Connectors
@testable import SampleSource

/// The retrying fetcher against a real HTTP server with injected faults (sample-source, in process).
@Suite struct InboundFetcherRetryTests {
    let logger = Logger(label: "test")
    let fetcher = InboundFetcher(policy: RetryPolicy(baseDelay: .milliseconds(10)), tokens: OAuthTokenCache())

    /// Calls sample-source's admin routes.
    struct Admin: Sendable {
        let client: any TestClientProtocol

        @discardableResult
        func call(_ method: HTTPRequest.Method, _ path: String, _ json: String? = nil) async throws -> String {
            try await self.client.execute(
                uri: path, method: method, headers: [.authorization: "Bearer t0k", .contentType: "application/json"],
                body: json.map { ByteBuffer(string: $0) }
            ) { String(buffer: $0.body) }
        }

        func requests() async throws -> Int {
            let stats = try await self.call(.get, "/admin/stats")
            guard case .object(let fields) = try JSONDecoder().decode(JSONValue.self, from: Data(stats.utf8)), case .number(let n)? = fields["requests"]
            else { return -1 }
            return Int(n)
        }
    }

    func withSource(_ body: @escaping @Sendable (_ admin: Admin, _ config: InboundConfig, _ auth: InboundAuth) async throws -> Void) async throws {
        let app = try makeSampleSource(SampleSourceConfig(port: 0, records: 300, token: "t0k"))
        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(client.port ?? 0)"
            var config = InboundConfig(baseURL: base + "/v1/segments", fieldMappings: [FieldMapping(source: "name", target: .topicName)])
            config.responsePath = "data.segments"
            let auth = InboundAuth(type: .bearer, credentials: ["token": "t0k"], config: config)
            try await body(Admin(client: client), config, auth)
        }
    }

    @Test func serverErrorsAndBrokenJSONAreTriedAgainAndA429DoesNotUseUpATry() async throws {
        try await self.withSource { admin, config, auth in
            try await admin.call(
                .put, "/admin/faults",
                #"{"faults":[{"kind":"rate_limit","times":1,"retry_after":"0","pages":[0]},{"kind":"status","status":503,"times":1,"pages":[0]},{"kind":"malformed","times":1,"pages":[0]}]}"#
            )
            let page = try await self.fetcher.fetchPage(config, auth: auth, position: .offset(0), limit: 100, logger: self.logger)
            #expect(try SourcePageCount.records(page, config) == 100)
            #expect(try await admin.requests() == 4)
        }
    }

    @Test func aPageThatFailsThreeTimesFailsNamingTheTries() async throws {
        try await self.withSource { admin, config, auth in
            try await admin.call(.put, "/admin/faults", #"{"faults":[{"kind":"status","status":500,"times":3,"pages":[1]}]}"#)
            await #expect {
                _ = try await self.fetcher.fetchPage(config, auth: auth, position: .offset(100), limit: 100, logger: self.logger)
            } throws: { error in
                guard let error = error as? InboundError else { return false }
                return error.status == 500 && error.message.contains("after 3 tries")
            }
            #expect(try await admin.requests() == 3)
            // A 4xx other than 401/408/429 is not asked again.
            try await admin.call(.put, "/admin/faults", #"{"faults":[{"kind":"status","status":404,"times":1,"pages":[2]}]}"#)
            await #expect(throws: InboundError.self) {
                _ = try await self.fetcher.fetchPage(config, auth: auth, position: .offset(200), limit: 100, logger: self.logger)
            }
            #expect(try await admin.requests() == 4)
        }
    }

    @Test func rateLimitHeadersKeepTheFetcherUnderTheLimitWithoutA429() async throws {
        try await self.withSource { admin, config, auth in
            try await admin.call(.put, "/admin/faults", #"{"faults":[],"rate_limit_per_second":4}"#)
            for page in 0..<10 {
                _ = try await self.fetcher.fetchPage(config, auth: auth, position: .offset(page * 10), limit: 10, logger: self.logger)
            }
            // Every request was answered: none was refused and asked again.
            #expect(try await admin.requests() == 10)
        }
    }

    @Test func anOAuthTokenIsCachedAndRenewedOnceAfterA401() async throws {
        let token = FakeSegmentsAPI.oauthToken
        try await FakeSegmentsAPI(records: 5, requiredHeader: ("Authorization", "Bearer \(token)"), oauthClient: ("cid", "secret")).run { base in
            var config = InboundConfig(baseURL: base + "/segments", fieldMappings: [FieldMapping(source: "name", target: .topicName)])
            config.tokenURL = base + "/oauth/token"
            let auth = InboundAuth(type: .oauth2, credentials: ["client_id": "cid", "client_secret": "secret"], config: config)
            let tokens = OAuthTokenCache()
            let fetcher = InboundFetcher(policy: RetryPolicy(baseDelay: .milliseconds(10)), tokens: tokens)
            _ = try await fetcher.fetchPage(config, auth: auth, position: .offset(0), limit: 5, logger: self.logger)
            #expect(tokens.token(for: auth.tokenCacheKey) == token)
            // A stale token in the cache: the API answers 401, the fetcher gets a new token once and succeeds.
            tokens.store("expired-token", expiresIn: 3600, for: auth.tokenCacheKey)
            _ = try await fetcher.fetchPage(config, auth: auth, position: .offset(0), limit: 5, logger: self.logger)
            #expect(tokens.token(for: auth.tokenCacheKey) == token)
        }
    }
}

enum SourcePageCount {
    static func records(_ body: JSONValue, _ config: InboundConfig) throws -> Int {
        guard let path = config.responsePath, case .array(let records)? = JSONPath(path)?.evaluate(body) else { return -1 }
        return records.count
    }
}
