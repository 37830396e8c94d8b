import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import SampleSource

/// sample-source's custom REST DSP under `/dsp`, which the demo and scripts/bench-push push to.
@Suite struct SampleDSPTests {
    private struct Segment: Decodable, Equatable {
        let id: String
        let externalId: String?
        let name: String
        let description: String
        let price: Double?
        let currency: String?
        let status: String
    }

    private struct SegmentList: Decodable {
        let data: [Segment]
    }

    private struct Counts: Decodable, Equatable {
        let segments: Int
        let active: Int
        let inactive: Int
    }

    private static let token = "dsp-token"
    private static let auth: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]

    private static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    private func withSource(_ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = try makeSampleSource(SampleSourceConfig(port: 0, records: 0, token: Self.token))
        try await app.test(.router, test)
    }

    private func call<T: Decodable>(
        _ method: HTTPRequest.Method, _ uri: String, body: String? = nil, expect status: HTTPResponse.Status = .ok, as type: T.Type,
        client: some TestClientProtocol
    ) async throws -> T {
        try await client.execute(uri: uri, method: method, headers: Self.auth, body: body.map { ByteBuffer(string: $0) }) { response in
            #expect(response.status == status, "\(method) \(uri): \(String(buffer: response.body))")
            #expect(response.headers[.contentType] == "application/json")
            return try Self.decoder().decode(type, from: Data(response.body.readableBytesView))
        }
    }

    private func status(
        _ method: HTTPRequest.Method, _ uri: String, body: String? = nil, client: some TestClientProtocol
    ) async throws -> HTTPResponse.Status {
        try await client.execute(uri: uri, method: method, headers: Self.auth, body: body.map { ByteBuffer(string: $0) }) { $0.status }
    }

    @Test func createUpdateGetFindAndDeactivateASegment() async throws {
        try await self.withSource { client in
            let created = try await self.call(
                .post, "/dsp/segments",
                body: #"{"external_id":"ot_1","name":"Tesla Model 3 Buyers","description":"EV intenders","price":2.5,"currency":"USD"}"#,
                expect: .created, as: Segment.self, client: client
            )
            let expected = Segment(
                id: created.id, externalId: "ot_1", name: "Tesla Model 3 Buyers", description: "EV intenders", price: 2.5, currency: "USD", status: "active"
            )
            #expect(created == expected)
            #expect(created.id.hasPrefix("dsp-") && created.id.hasSuffix("-1"))
            let other = try await self.call(
                .post, "/dsp/segments", body: #"{"external_id":"ot_2","name":"Golfers"}"#, expect: .created, as: Segment.self, client: client
            )
            #expect(other.id == String(created.id.dropLast()) + "2")
            let first = created.id

            let updated = try await self.call(
                .put, "/dsp/segments/\(first)", body: #"{"name":"Tesla Model 3 Owners","description":"EV owners","price":3}"#, as: Segment.self, client: client
            )
            #expect(updated.name == "Tesla Model 3 Owners")
            #expect(updated.price == 3)
            #expect(updated.currency == "USD")

            let fetched = try await self.call(.get, "/dsp/segments/\(first)", as: Segment.self, client: client)
            #expect(fetched == updated)

            let found = try await self.call(.get, "/dsp/segments?external_id=ot_2", as: SegmentList.self, client: client)
            #expect(found.data.map(\.id) == [other.id])
            #expect(try await self.call(.get, "/dsp/segments?external_id=ot_9", as: SegmentList.self, client: client).data.isEmpty)
            let all = try await self.call(.get, "/dsp/segments", as: SegmentList.self, client: client)
            #expect(all.data.map(\.id) == [first, other.id])

            let gone = try await self.call(.delete, "/dsp/segments/\(first)", as: Segment.self, client: client)
            #expect(gone.status == "inactive")
            #expect(try await self.call(.get, "/dsp/segments/\(first)", as: Segment.self, client: client).status == "inactive")
            #expect(try await self.call(.get, "/admin/dsp", as: Counts.self, client: client) == Counts(segments: 2, active: 1, inactive: 1))

            // An update brings a deactivated segment back.
            #expect(try await self.call(.put, "/dsp/segments/\(first)", body: #"{"name":"Back"}"#, as: Segment.self, client: client).status == "active")
            let left = try await self.call(.delete, "/admin/dsp?external_id_prefix=ot_1", as: Counts.self, client: client)
            #expect(left == Counts(segments: 1, active: 1, inactive: 0))
        }
    }

    @Test func unknownSegmentsAre404AndBadBodiesAreRefused() async throws {
        let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status)] = [
            (.get, "/dsp/segments/dsp-7", nil, .notFound),
            (.put, "/dsp/segments/dsp-7", #"{"name":"x"}"#, .notFound),
            (.delete, "/dsp/segments/dsp-7", nil, .notFound),
            (.get, "/dsp/segments/elsewhere-1", nil, .notFound),
            (.post, "/dsp/segments", #"{"description":"no name"}"#, .unprocessableContent),
            (.post, "/dsp/segments", #"{"name":"x","price":-1}"#, .unprocessableContent),
            (.post, "/dsp/segments", "{not json", .badRequest),
        ]
        try await self.withSource { client in
            for (method, uri, body, expected) in cases {
                let status = try await self.status(method, uri, body: body, client: client)
                #expect(status == expected, "\(method) \(uri) \(body ?? "")")
            }
        }
    }

    @Test func everyRouteNeedsTheToken() async throws {
        try await self.withSource { client in
            let routes: [(HTTPRequest.Method, String)] = [
                (.get, "/dsp/health"), (.post, "/dsp/segments"), (.get, "/dsp/segments"), (.get, "/dsp/segments/dsp-x-1"), (.put, "/dsp/segments/dsp-x-1"),
                (.delete, "/dsp/segments/dsp-x-1"), (.get, "/admin/dsp"), (.delete, "/admin/dsp"),
            ]
            for (method, uri) in routes {
                let body = ByteBuffer(string: #"{"name":"x"}"#)
                try await client.execute(uri: uri, method: method, headers: [.authorization: "Bearer wrong"], body: body) { response in
                    #expect(response.status == .unauthorized, "\(method) \(uri)")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                }
                try await client.execute(uri: uri, method: method) { #expect($0.status == .unauthorized, "\(method) \(uri) without a token") }
            }
            #expect(try await self.status(.get, "/dsp/health", client: client) == .ok)
            #expect(try await self.call(.get, "/admin/dsp", as: Counts.self, client: client) == Counts(segments: 0, active: 0, inactive: 0))
        }
    }
}
