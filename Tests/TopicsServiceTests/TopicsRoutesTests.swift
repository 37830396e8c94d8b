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

/// topics-service in-process against the test database, called as the gateway calls it.
@Suite struct TopicsRoutesTests {
    func headers(_ org: OrgID) -> HTTPFields {
        TopicsTestbed.headers(org)
    }

    func withTopics(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await TopicsTestbed.run(body)
    }

    func create(_ name: String, org: OrgID, client: some TestClientProtocol) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/topics", method: .post, headers: self.headers(org), body: .json(CreateTopicRequest(topicName: name))
        ) { $0 }
    }

    @Test func aCreatedTopicIsListedWithTheSeedEnvelope() async throws {
        let org = OrgID.generate()
        try await self.withTopics { client in
            let created = try await self.create("Tesla Model 3 Buyers", org: org, client: client)
            #expect(created.status == .created)
            let topic = try created.json(Topic.self)
            #expect(topic.topicName == "Tesla Model 3 Buyers")
            #expect(topic.source == "api")
            // Classified on the way in, by the real classifier.
            #expect(topic.parentCategory == "Auto")
            #expect(topic.segmentNameTradedesk == "Auto > EV > Tesla Model 3 Buyers")
            try await client.execute(uri: "/api/topics", method: .get, headers: self.headers(org)) { response in
                #expect(response.status == .ok)
                let page = try response.json(Page<Topic>.self)
                #expect(page.data.map(\.id) == [topic.id])
                #expect((page.total, page.page, page.pageSize, page.totalPages) == (1, 1, 25, 1))
                // Unset fields are explicit nulls, as the seed prints them.
                guard case .object(let body) = try response.json(JSONValue.self), case .array(let data)? = body["data"],
                    case .object(let first)? = data.first
                else { throw TestFailure("not a page") }
                #expect(first["external_id"] == .null)
            }
        }
    }

    @Test func theSameNameInOneLibraryIsA409NamingTheExistingTopic() async throws {
        let org = OrgID.generate()
        try await self.withTopics { client in
            let first = try await self.create("Moms w/ Kids 0-5", org: org, client: client).json(Topic.self)
            let again = try await self.create("  MOMS w/ kids 0-5 ", org: org, client: client)
            #expect(again.status == .conflict)
            let envelope = try again.json(ErrorEnvelope.self)
            #expect(envelope.error.code == "duplicate_topic")
            #expect(envelope.error.details == .object(["existingTopic": .object(["id": .string(first.id.rawValue), "topic_name": .string(first.topicName)])]))
        }
    }

    @Test func librariesAreIsolatedButShareOneGlobalTopic() async throws {
        let (orgA, orgB) = (OrgID.generate(), OrgID.generate())
        let name = unique("Shared Segment")
        try await self.withTopics { client in
            let a = try await self.create(name, org: orgA, client: client).json(Topic.self)
            let b = try await self.create(name, org: orgB, client: client)
            #expect(b.status == .created)
            #expect(try b.json(Topic.self).id != a.id)
            try await client.execute(uri: "/api/topics", method: .get, headers: self.headers(orgB)) { response in
                let page = try response.json(Page<Topic>.self)
                #expect(page.data.map(\.topicName) == [name])
            }
        }
        try await TestDatabase.withClient(as: .topics) { postgres in
            let rows = try await postgres.query(
                "SELECT count(*) FROM global_topics WHERE normalized_name = \(TopicName.normalize(name))", logger: Logger(label: "test")
            )
            for try await count in rows.decode(Int.self) { #expect(count == 1) }
        }
    }

    @Test func concurrentCreatesOfOneNameEndOnOneGlobalTopic() async throws {
        let name = unique("Race Segment")
        try await self.withTopics { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await self.create(name, org: .generate(), client: client).status }
                }
                for try await status in group { #expect(status == .created) }
            }
        }
        try await TestDatabase.withClient(as: .topics) { postgres in
            let rows = try await postgres.query(
                "SELECT count(DISTINCT global_topic_id), count(*) FROM org_topics o JOIN global_topics g ON g.id = o.global_topic_id WHERE g.normalized_name = \(TopicName.normalize(name))",
                logger: Logger(label: "test")
            )
            for try await (globals, links) in rows.decode((Int, Int).self) {
                #expect(globals == 1)
                #expect(links == 8)
            }
        }
    }

    @Test func pagingSortingAndSearchWork() async throws {
        let org = OrgID.generate()
        try await self.withTopics { client in
            for name in ["Charlie Fans", "alpha Buyers", "Bravo_100% Club"] {
                #expect(try await self.create(name, org: org, client: client).status == .created)
            }
            try await client.execute(uri: "/api/topics?sortBy=topic_name&sortOrder=asc&pageSize=2&page=2", method: .get, headers: self.headers(org)) {
                response in
                let page = try response.json(Page<Topic>.self)
                #expect(page.data.map(\.topicName) == ["Charlie Fans"])
                #expect((page.total, page.totalPages) == (3, 2))
            }
            try await client.execute(uri: "/api/topics?search=100%25", method: .get, headers: self.headers(org)) { response in
                let page = try response.json(Page<Topic>.self)
                #expect(page.data.map(\.topicName) == ["Bravo_100% Club"])
            }
        }
    }

    @Test func badParametersAndNamesAre400sNeverSQLErrors() async throws {
        let org = OrgID.generate()
        try await self.withTopics { client in
            for query in ["sortBy=name;DROP TABLE org_topics", "pageSize=101", "page=0", "sortOrder=up", "page=abc"] {
                try await client.execute(uri: "/api/topics?\(query)", method: .get, headers: self.headers(org)) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    #expect(response.errorCode == "invalid_parameter", "\(query)")
                }
            }
            for name in ["", "   ", "!!!", String(repeating: "x", count: 501)] {
                let response = try await self.create(name, org: org, client: client)
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "invalid_topic_name")
            }
        }
    }

    @Test func withoutTheGatewaysHeadersNothingIsServed() async throws {
        try await self.withTopics { client in
            try await client.execute(uri: "/api/topics", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "internal_token_required")
            }
            try await client.execute(uri: "/api/topics", method: .get, headers: [.internalToken: TestDatabase.internalToken]) { response in
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "unauthenticated")
            }
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let health = try response.json(HealthStatus.self)
                #expect(health.database == "ok")
            }
        }
    }

    @Test func namesNormaliseCaseAccentsPunctuationAndSpacing() {
        #expect(TopicName.normalize("  Tesla  Model-3   BUYERS ") == "tesla model 3 buyers")
        #expect(TopicName.normalize("Café Lovers") == "cafe lovers")
        #expect(TopicName.normalize("In-Market > Autos > SUVs") == "in market autos suvs")
    }
}
