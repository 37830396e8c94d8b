import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceKit
import SharedModels
import TestSupport

@testable import ClassifierService
@testable import TopicsService

/// topics-service in-process against the test database, with a real classifier-service listening on a free port.
enum TopicsTestbed {
    static func headers(_ org: OrgID, role: String = "owner", actorType: String = "api_key") -> HTTPFields {
        [.internalToken: TestDatabase.internalToken, .orgID: org.rawValue, .actorType: actorType, .actorRole: role, .actorID: "usr_test"]
    }

    static func run(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let classifier = try await ClassifierService.buildApplication(reader: TestDatabase.reader(for: .classifier))
        try await classifier.test(.live) { classifierClient in
            let url = "http://127.0.0.1:\(classifierClient.port ?? 0)"
            let topics = try await TopicsService.buildApplication(reader: TestDatabase.reader(for: .topics, ["CLASSIFIER_SERVICE_URL": url]))
            try await topics.test(.router) { client in try await body(client) }
        }
    }
}
