import Logging
import ServiceKit
import SharedModels

/// topics-service's internal routes for pushes: the library topics by id, and their activation history.
struct LibraryClient: Sendable {
    struct Topic: Decodable, Sendable {
        var id: String
        var engineVersion: String
        /// Passed through to the classifier's templates as it came.
        var classification: JSONValue

        enum CodingKeys: String, CodingKey {
            case id, engineVersion = "engine_version", classification
        }
    }

    struct HistoryChange: Encodable, Sendable {
        var topicID: String
        var changeType: String
        var values: [String: JSONValue]

        enum CodingKeys: String, CodingKey {
            case topicID = "topic_id", changeType = "change_type", values
        }
    }

    private struct Topics: Decodable {
        var data: [Topic]
    }

    private struct Recorded: Decodable {
        var recorded: Int
    }

    let client: InternalClient

    /// The topics of the caller's library among `ids`; ids that are not there are missing from the answer.
    func topics(_ ids: [String], context: CallContext, logger: Logger) async throws -> [Topic] {
        try await self.client.post("/internal/topics/lookup", ["ids": ids], as: Topics.self, context: context, logger: logger).data
    }

    /// Records `activated`/`deactivated` in the topics' history. A failure is logged, not thrown: the platform
    /// already has the change and our activation row says so.
    func record(_ changes: [HistoryChange], context: CallContext, logger: Logger) async {
        guard !changes.isEmpty else { return }
        do {
            _ = try await self.client.post("/internal/topics/history", ["changes": changes], as: Recorded.self, context: context, logger: logger)
        } catch {
            logger.warning("topic history not recorded", metadata: ["changes": "\(changes.count)", "error": "\(error)"])
        }
    }
}
