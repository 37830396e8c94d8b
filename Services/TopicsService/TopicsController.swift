import Foundation
import Hummingbird
import Logging
import ServiceKit
import SharedModels

/// `GET /api/topics` and `POST /api/topics` for the calling org's library.
struct TopicsController: Sendable {
    let repository: TopicRepository

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("api/topics")
        group.get(use: self.list)
        group.post(use: self.create)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Page<Topic> {
        let caller = try context.requireCaller()
        let parameters = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { $1 })
        return try await self.repository.list(orgID: caller.orgID, query: try TopicQuery(parameters: parameters), logger: context.logger)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Topic> {
        let caller = try context.requireCaller()
        let body = try await request.decode(as: CreateTopicRequest.self, context: context)
        let name = body.topicName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= TopicName.maxLength, !TopicName.normalize(name).isEmpty else {
            throw AppError.badRequest(
                "invalid_topic_name", "topic_name must have letters or digits and at most \(TopicName.maxLength) characters.",
                details: .object(["field": .string("topic_name")])
            )
        }
        switch try await self.repository.create(
            orgID: caller.orgID, name: name, description: body.internalDescription, source: "api", logger: context.logger
        ) {
        case .created(let topic):
            context.logger.info("topic created", metadata: ["topic_id": "\(topic.id)"])
            return EditedResponse(status: .created, response: topic)
        case .alreadyInLibrary(let topic):
            throw AppError.conflict(
                "duplicate_topic", "This topic is already in your library.",
                details: .object(["existingTopic": .object(["id": .string(topic.id.rawValue), "topic_name": .string(topic.topicName)])])
            )
        }
    }
}

extension Topic: ResponseEncodable {}
extension Page: ResponseEncodable {}
