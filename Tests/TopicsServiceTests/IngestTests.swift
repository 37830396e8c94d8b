import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import ServiceKit
import SharedModels
import TestSupport
import Testing

@testable import TopicsService

/// `POST /ingest`: one outcome per record, dedup in its three layers, COALESCE enrichment, and a page that is
/// ingested once whatever the retries.
@Suite struct IngestTests {
    func page(_ run: RunID, _ number: Int, _ records: [JSONValue], source: String = "sync:conn_test") -> ByteBuffer {
        let body: JSONValue = ["run_id": .string(run.rawValue), "page_number": .number(Double(number)), "source": .string(source), "records": .array(records)]
        return ByteBuffer(bytes: (try? JSONCoding.encoder.encode(body)) ?? Data())
    }

    func ingest(_ body: ByteBuffer, org: OrgID, client: some TestClientProtocol) async throws -> IngestResult {
        try await client.execute(uri: "/ingest", method: .post, headers: TopicsTestbed.headers(org), body: body) { response throws in
            #expect(response.status == .ok)
            return try response.json(IngestResult.self)
        }
    }

    @Test func everyRecordGetsAnOutcomeAndDuplicatesAreEnrichedOnly() async throws {
        let org = OrgID.generate()
        let shared = unique("Golf Enthusiasts")
        try await TopicsTestbed.run { client in
            // Another org put `shared` in the catalog first.
            _ = try await self.ingest(self.page(.generate(), 0, [["topic_name": .string(shared)]]), org: .generate(), client: client)
            let first = try await self.ingest(
                self.page(.generate(), 0, [
                    ["topic_name": .string(unique("Tesla Model 3 Buyers")), "external_id": "ext-1"],
                    ["topic_name": .string(shared.uppercased())],
                    ["topic_name": "   "],
                    ["name": "no topic_name"],
                ]),
                org: org, client: client
            )
            #expect(first.outcomes.map(\.outcome) == [.new, .adopted, .error, .error])
            #expect(first.outcomes[2].reason == "topic_name is empty")
            #expect(first.outcomes[3].reason == "topic_name is missing")

            // The same external id is the same topic, whatever its name now; only empty fields are filled.
            let second = try await self.ingest(
                self.page(.generate(), 0, [
                    ["topic_name": "Renamed Upstream", "external_id": "ext-1", "description": "From the source", "iab_code": "IAB99"],
                ]),
                org: org, client: client
            )
            #expect(second.outcomes.map(\.outcome) == [.duplicate])
            #expect(second.outcomes[0].topicID == first.outcomes[0].topicID)
            let id = try #require(first.outcomes[0].topicID)
            try await client.execute(uri: "/api/topics/\(id.rawValue)", method: .get, headers: TopicsTestbed.headers(org)) { response throws in
                let topic = try response.json(Topic.self)
                #expect(topic.description == "From the source")
                #expect(topic.iabCode?.hasPrefix("IAB2") == true)
                #expect(topic.externalId == "ext-1")
            }
            try await client.execute(uri: "/api/topics/\(id.rawValue)/history", method: .get, headers: TopicsTestbed.headers(org)) { response throws in
                let history = try response.json([JSONValue].self)
                let types = history.compactMap { entry -> String? in
                    if case .object(let fields) = entry, case .string(let type)? = fields["changeType"] { return type }
                    return nil
                }
                #expect(types == ["metadata_enrichment", "synced"])
                #expect(String(describing: history.first).contains("From the source"))
            }
        }
    }

    @Test func aRetriedOrConcurrentPageIsIngestedOnce() async throws {
        let org = OrgID.generate()
        let run = RunID.generate()
        let names = (0..<20).map { unique("Page Segment \($0)") }
        let body = self.page(run, 3, names.map { ["topic_name": .string($0)] })
        try await TopicsTestbed.run { client in
            let results = try await withThrowingTaskGroup(of: IngestResult.self) { group in
                for _ in 0..<4 { group.addTask { try await self.ingest(body, org: org, client: client) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { !$0.replayed }.count == 1)
            #expect(results.allSatisfy { $0.outcomes == results[0].outcomes })
            let again = try await self.ingest(body, org: org, client: client)
            #expect(again.replayed)
            #expect(again.outcomes == results[0].outcomes)
        }
        try await TestDatabase.withClient(as: .topics) { postgres in
            let rows = try await postgres.query("SELECT count(*) FROM org_topics WHERE org_id = \(org.rawValue)", logger: Logger(label: "test"))
            for try await count in rows.decode(Int.self) { #expect(count == 20) }
        }
    }

    @Test func nearNamesDedupByEmbeddingAndSimilarOnesWarn() async throws {
        let org = OrgID.generate()
        let base = unique("Luxury Sedan Owners In Texas Who Commute Daily")
        let embedding = HashEmbedding.embed(base)
        let score: @Sendable (String) -> Float = { HashEmbedding.cosine(embedding, HashEmbedding.embed($0)) }
        // A spelling that is the same topic by embedding only (cosine ≥ 0.95), and one that is only similar.
        let near = try #require([base + "s", "the " + base, base + " x", base + " us"].first { score($0) >= 0.95 && score($0) < 1 })
        let similar = try #require(
            [base + " and Oklahoma Drivers", base + " With Kids"].first { (0.75..<0.95).contains(score($0)) }
        )
        try await TopicsTestbed.run { client in
            _ = try await self.ingest(self.page(.generate(), 0, [["topic_name": .string(base)]]), org: org, client: client)
            let result = try await self.ingest(
                self.page(.generate(), 0, [["topic_name": .string(near)], ["topic_name": .string(similar)]]), org: org, client: client
            )
            #expect(result.outcomes.map(\.outcome) == [.duplicate, .new])
            // The closest topic in the catalog: this page's base, or a closer one.
            let warning = try #require(result.outcomes[1].similarityWarning)
            #expect((0.75..<0.95).contains(warning.score) && Float(warning.score) >= score(similar))
        }
    }

    @Test func badPagesAre400s() async throws {
        try await TopicsTestbed.run { client in
            for body in [#"{"page_number":0,"source":"s","records":[]}"#, #"{"run_id":"run_x","page_number":0,"source":"s","records":[]}"#,
                #"{"run_id":"\#(RunID.generate().rawValue)","page_number":-1,"source":"s","records":[]}"#, #"[1,2]"#]
            {
                try await client.execute(uri: "/ingest", method: .post, headers: TopicsTestbed.headers(.generate()), body: ByteBuffer(string: body)) {
                    response in
                    #expect(response.status == .badRequest, "\(body)")
                }
            }
        }
    }
}
