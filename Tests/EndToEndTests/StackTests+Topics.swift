import Foundation
import NIOHTTP1
import ServiceKit
import SharedModels
import TestSupport
import Testing

extension StackTests {
    /// The Topics API across gateway, topics-service, classifier-service and activation-service.
    @Test func theTopicsAPIWorksEndToEndThroughTheGateway() async throws {
        let (org, _) = try self.bootstrap()
        let auth = ["Authorization": "Bearer \(org.apiKey)"]
        let gateway = LiveStack.gateway
        let created = try await Exchange.send(.POST, gateway + "/api/topics", headers: auth, json: ["topic_name": "B2B - IT Decision Makers - Cloud Security"] as JSONValue)
        #expect(created.status == 201)
        let topic = try created.decode(Topic.self)
        #expect(topic.segmentType == "B2B")

        let filtered = try await Exchange.send(.GET, gateway + "/api/topics?segmentType=B2B&sortBy=topic_name&sortOrder=asc", headers: auth)
        #expect(try filtered.decode(Page<Topic>.self).data.map(\.id) == [topic.id])
        let edited = try await Exchange.send(.PATCH, gateway + "/api/topics/\(topic.id)", headers: auth, json: ["external_id": "crm-42"] as JSONValue)
        #expect(try edited.decode(Topic.self).externalId == "crm-42")
        let history = try await Exchange.send(.GET, gateway + "/api/topics/\(topic.id)/history", headers: auth)
        #expect(try history.decode([JSONValue].self).count == 2)
        let stats = try await Exchange.send(.GET, gateway + "/api/topics/stats", headers: auth)
        #expect(stats.status == 200)
        let export = try await Exchange.send(.GET, gateway + "/api/export?format=csv", headers: auth)
        #expect(export.status == 200)
        #expect(String(decoding: export.body, as: UTF8.self).contains("\"crm-42\""))
        let status = try await Exchange.send(.GET, gateway + "/api/topics/activation-status", headers: auth)
        #expect(status.status == 200)
        let check = try await Exchange.send(
            .POST, gateway + "/api/topics/check-duplicate", headers: auth, json: ["topic_name": "b2b it decision makers cloud security"] as JSONValue
        )
        #expect(try check.decode(JSONValue.self) == [
            "isDuplicate": true, "confidence": 1, "existingTopic": ["id": .string(topic.id.rawValue), "topic_name": .string(topic.topicName)],
        ])
        let deleted = try await Exchange.send(.DELETE, gateway + "/api/topics", headers: auth, json: ["ids": [.string(topic.id.rawValue)]] as JSONValue)
        #expect(String(decoding: deleted.body, as: UTF8.self) == #"{"deleted":1}"#)
    }
}
