import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import SampleSource

@Suite struct SampleSourceTests {
    private struct Record: Decodable {
        let id: String
        let name: String?
        let category: String
        let segmentType: String
        let audienceSize: Int
        let updatedAt: String
    }

    private struct OffsetBody: Decodable {
        struct Data: Decodable { let segments: [Record] }
        struct Meta: Decodable { let total: Int }
        let data: Data
        let meta: Meta
    }

    private struct CursorBody: Decodable {
        let items: [Record]
        let nextCursor: String?
    }

    private struct Count: Decodable { let count: Int }

    private struct Stats: Decodable {
        let requests: Int
        let recordsServed: Int
        let byRoute: [String: Int]
    }

    private static let token = "test-token"
    private static let auth: HTTPFields = [.authorization: "Bearer \(token)"]

    private static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    @discardableResult private func withSource<T: Sendable>(
        records: Int,
        token: String = Self.token,
        _ test: @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let app = try makeSampleSource(SampleSourceConfig(port: 0, records: records, token: token))
        return try await app.test(.router, test)
    }

    private func get<T: Decodable>(_ uri: String, _ type: T.Type, client: some TestClientProtocol) async throws -> T {
        try await client.execute(uri: uri, method: .get, headers: Self.auth) { response in
            #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
            #expect(response.headers[.contentType] == "application/json")
            return try Self.decoder().decode(type, from: Data(response.body.readableBytesView))
        }
    }

    private func status(_ uri: String, client: some TestClientProtocol) async throws -> HTTPResponse.Status {
        try await client.execute(uri: uri, method: .get, headers: Self.auth) { $0.status }
    }

    private func setFaults(_ json: String, client: some TestClientProtocol) async throws {
        try await client.execute(uri: "/admin/faults", method: .put, headers: Self.auth, body: ByteBuffer(string: json)) { response in
            #expect(response.status == .ok, "\(String(buffer: response.body))")
        }
    }

    @Test func offsetPagesTileTheDataExactlyAndTheLimitIsCappedAtAThousand() async throws {
        try await self.withSource(records: 2_500) { client in
            var ids: [String] = []
            var offset = 0
            while true {
                let page = try await self.get("/v1/segments?limit=5000&offset=\(offset)", OffsetBody.self, client: client)
                #expect(page.meta.total == 2_500)
                #expect(page.data.segments.count <= 1_000)
                if page.data.segments.isEmpty { break }
                ids += page.data.segments.map(\.id)
                offset += page.data.segments.count
            }
            #expect(ids == (0..<2_500).map(Segment.id(forIndex:)))
            let first = try await self.get("/v1/segments", OffsetBody.self, client: client)
            #expect(first.data.segments.count == 100)
            #expect(first.data.segments[42].id == "seg-0000042")
            #expect(first.data.segments[42].updatedAt == "2026-01-01T00:00:42Z")
        }
    }

    @Test func cursorPagesWalkToTheEndAndTheLastHasANullNextCursor() async throws {
        try await self.withSource(records: 250) { client in
            var ids: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = cursor.map { "&cursor=\($0)" } ?? ""
                let page = try await self.get("/v1/cursor/segments?limit=100\(query)", CursorBody.self, client: client)
                ids += page.items.map(\.id)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(ids == (0..<250).map(Segment.id(forIndex:)))
            try await client.execute(uri: "/v1/cursor/segments?limit=100&cursor=MjAwOjI", method: .get, headers: Self.auth) { response in
                #expect(String(buffer: response.body).hasSuffix(#""next_cursor":null}"#))
            }
            #expect(try await self.status("/v1/cursor/segments?cursor=not-ours", client: client) == .badRequest)
        }
    }

    @Test func countAndMetaTotalAgreeAndFollowUpdatedSince() async throws {
        try await self.withSource(records: 50) { client in
            #expect(try await self.get("/v1/segments/count", Count.self, client: client).count == 50)
            let since = "updated_since=2026-01-01T00:00:30Z"
            let count = try await self.get("/v1/segments/count?\(since)", Count.self, client: client)
            let page = try await self.get("/v1/segments?\(since)", OffsetBody.self, client: client)
            #expect(count.count == 20)
            #expect(page.meta.total == 20)
            #expect(page.data.segments.first?.id == "seg-0000030")
            let fractional = try await self.get("/v1/segments/count?updated_since=2026-01-01T00:00:29.5Z", Count.self, client: client)
            #expect(fractional.count == 20)
            for bad in ["updated_since=yesterday", "limit=0", "limit=ten", "offset=-1"] {
                try await client.execute(uri: "/v1/segments?\(bad)", method: .get, headers: Self.auth) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).hasPrefix(#"{"error":""#))
                }
            }
        }
    }

    @Test func dataAndAdminRoutesRequireTheBearerToken() async throws {
        try await self.withSource(records: 5) { client in
            for uri in ["/v1/segments", "/v1/segments/count", "/v1/cursor/segments", "/admin/faults", "/admin/stats"] {
                try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer wrong"]) { response in
                    #expect(response.status == .unauthorized)
                    #expect(String(buffer: response.body) == #"{"error":"unauthorized"}"#)
                }
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .unauthorized) }
            }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
        }
        try await self.withSource(records: 5, token: "") { client in
            try await client.execute(uri: "/v1/segments", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func aStatusFaultWithTimesOneFailsOnlyTheFirstRequestForItsPage() async throws {
        try await self.withSource(records: 50) { client in
            try await self.setFaults(#"{"faults":[{"kind":"status","status":500,"times":1,"pages":[1,3]}]}"#, client: client)
            #expect(try await self.status("/v1/segments?limit=10&offset=0", client: client) == .ok)
            #expect(try await self.status("/v1/segments?limit=10&offset=10", client: client) == .internalServerError)
            #expect(try await self.status("/v1/segments?limit=10&offset=10", client: client) == .ok)
            #expect(
                try await self.status("/v1/segments?limit=10&offset=10&updated_since=2026-01-01T00:00:00Z", client: client) == .internalServerError
            )
            #expect(try await self.status("/v1/segments?limit=10&offset=30", client: client) == .internalServerError)
            #expect(try await self.status("/v1/segments/count", client: client) == .ok)
            let second = PageCursor(offset: 10, sequence: 1).token
            #expect(try await self.status("/v1/cursor/segments?limit=10&cursor=\(second)", client: client) == .internalServerError)
            #expect(try await self.status("/v1/cursor/segments?limit=10&cursor=\(second)", client: client) == .ok)

            try await self.setFaults(#"{"faults":[{"kind":"status","status":503,"times":100,"pages":null}]}"#, client: client)
            for _ in 0..<3 { #expect(try await self.status("/v1/segments?offset=0", client: client) == .serviceUnavailable) }
            try await client.execute(uri: "/admin/faults", method: .delete, headers: Self.auth) { #expect($0.status == .ok) }
            #expect(try await self.status("/v1/segments?offset=0", client: client) == .ok)
        }
    }

    @Test func rateLimitsAnswer429WithRetryAfterAndRateLimitHeaders() async throws {
        try await self.withSource(records: 20) { client in
            try await self.setFaults(#"{"faults":[{"kind":"rate_limit","times":1,"retry_after":"3","pages":null}]}"#, client: client)
            try await client.execute(uri: "/v1/segments", method: .get, headers: Self.auth) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "3")
            }
            #expect(try await self.status("/v1/segments", client: client) == .ok)

            // Five quick requests span at most two one-second windows, so a limit of 2 turns at least one away.
            try await self.setFaults(#"{"faults":[],"rate_limit_per_second":2}"#, client: client)
            var refused: [TestResponse] = []
            for _ in 0..<5 {
                let response = try await client.execute(uri: "/v1/segments/count", method: .get, headers: Self.auth)
                #expect(response.headers[HTTPField.Name("X-RateLimit-Limit")!] == "2")
                if response.status == .tooManyRequests { refused.append(response) }
            }
            let first = try #require(refused.first)
            #expect(first.headers[.retryAfter] == "1")
            #expect(first.headers[HTTPField.Name("X-RateLimit-Remaining")!] == "0")
            #expect(first.headers[HTTPField.Name("X-RateLimit-Reset")!] == "1")
        }
    }

    @Test func theNamelessFaultDropsTheNameOfEveryNthRecord() async throws {
        try await self.withSource(records: 40) { client in
            try await self.setFaults(#"{"faults":[{"kind":"nameless","every":10}]}"#, client: client)
            let page = try await self.get("/v1/segments?limit=40", OffsetBody.self, client: client)
            let nameless = page.data.segments.enumerated().filter { $0.element.name == nil }.map(\.offset)
            #expect(nameless == [9, 19, 29, 39])
        }
    }

    @Test func theMalformedFaultServesABodyThatIsNotJSON() async throws {
        try await self.withSource(records: 30) { client in
            try await self.setFaults(#"{"faults":[{"kind":"malformed","times":1,"pages":[2]}]}"#, client: client)
            let uri = "/v1/segments?limit=10&offset=20"
            try await client.execute(uri: uri, method: .get, headers: Self.auth) { response in
                #expect(response.status == .ok)
                #expect(throws: (any Error).self) { try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) }
            }
            #expect(try await self.get(uri, OffsetBody.self, client: client).data.segments.count == 10)
        }
    }

    @Test func addedAndTouchedRecordsShowInAnUpdatedSinceQueryAndTheStats() async throws {
        try await self.withSource(records: 100) { client in
            let body = ByteBuffer(string: #"{"add":2,"touch":[5]}"#)
            try await client.execute(uri: "/admin/records", method: .post, headers: Self.auth, body: body) { response in
                #expect(String(buffer: response.body) == #"{"total":102}"#)
            }
            try await client.execute(uri: "/admin/stats/reset", method: .post, headers: Self.auth) { #expect($0.status == .ok) }
            let changed = try await self.get("/v1/segments?updated_since=2026-01-01T00:01:40Z", OffsetBody.self, client: client)
            #expect(changed.data.segments.map(\.id) == ["seg-0000005", "seg-0000100", "seg-0000101"])
            #expect(Set(changed.data.segments.map(\.updatedAt)).count == 1)
            let stats = try await self.get("/admin/stats", Stats.self, client: client)
            #expect(stats.requests == 1)
            #expect(stats.recordsServed == 3)
            #expect(stats.byRoute == ["/v1/segments": 1])
            #expect(try await self.get("/v1/segments/count", Count.self, client: client).count == 102)
            let outside = ByteBuffer(string: #"{"touch":[102]}"#)
            try await client.execute(uri: "/admin/records", method: .post, headers: Self.auth, body: outside) { #expect($0.status == .badRequest) }
        }
    }

    @Test func twoSourcesWithTheSameCountServeTheSameBytes() async throws {
        let first = try await self.pageBody(records: 3_000)
        #expect(try await self.pageBody(records: 3_000) == first)
    }

    private func pageBody(records: Int) async throws -> String {
        try await self.withSource(records: records) { client in
            try await client.execute(uri: "/v1/segments?limit=1000&offset=1500", method: .get, headers: Self.auth) { String(buffer: $0.body) }
        }
    }

    @Test func namesAreUniqueAndShortForTwentyThousandRecords() throws {
        let catalog = SegmentCatalog(taxonomy: try Taxonomy.bundled())
        let segments = (0..<20_000).map { catalog.segment(at: $0, updatedAt: Timestamp.start + Int64($0), named: true) }
        let names = segments.compactMap(\.name)
        #expect(names.count == 20_000)
        #expect(Set(names).count == 20_000)
        #expect(names.allSatisfy { !$0.isEmpty && $0.count < 200 })
        #expect(segments[0].name == "Demographic")
        #expect(Set(segments.map(\.segmentType)) == ["B2B", "B2C"])
        #expect(Set(segments.map(\.category)) == ["Demographic", "Interest", "Purchase Intent"])
    }

    @Test func timestampsFormatAndParseWholeSecondsInUTC() {
        #expect(Timestamp.format(Timestamp.start) == "2026-01-01T00:00:00Z")
        #expect(Timestamp.format(Timestamp.start + 59 * 86_400 + 3_661) == "2026-03-01T01:01:01Z")
        #expect(Timestamp.format(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(Timestamp.parse("2026-01-01T00:00:00Z") == Timestamp.start)
        #expect(Timestamp.parse("2026-01-01T02:00:00+02:00") == Timestamp.start)
        #expect(Timestamp.parse("2026-01-01T00:00:00.25Z") == Timestamp.start + 1)
        #expect(Timestamp.parse("2026-01-01") == nil)
    }
}
