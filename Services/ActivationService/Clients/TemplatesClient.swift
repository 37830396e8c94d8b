import Logging
import ServiceKit
import SharedModels

/// classifier-service's internal `POST /render`: segment names and descriptions from the output templates.
struct TemplatesClient: Sendable {
    struct Rendered: Decodable, Sendable, Equatable {
        var name: String
        var description: String
    }

    private struct Request: Encodable {
        var templateKey: String
        var items: [JSONValue]

        enum CodingKeys: String, CodingKey {
            case templateKey = "template_key", items
        }
    }

    private struct Answer: Decodable {
        var data: [Rendered]
    }

    let client: InternalClient

    /// One rendering per classification, in order; 404 `template_not_found` for an unknown key.
    func render(_ classifications: [JSONValue], templateKey: String, context: CallContext, logger: Logger) async throws -> [Rendered] {
        guard !classifications.isEmpty else { return [] }
        let answer = try await self.client.post(
            "/render", Request(templateKey: templateKey, items: classifications), as: Answer.self, context: context, logger: logger
        )
        guard answer.data.count == classifications.count else {
            throw AppError.unavailable("classifier_unavailable", "classifier-service rendered \(answer.data.count) of \(classifications.count) names.")
        }
        return answer.data
    }
}
