import Logging
import ServiceKit
import SharedModels

/// classifier-service's batch route, for names new to the catalog and for reclassification.
struct ClassifierClient: Sendable {
    /// At most this many names a call, the classifier's own limit.
    static let batchLimit = 1000

    enum Outcome: Decodable, Sendable {
        case classified(Classification)
        case failed(ErrorEnvelope.Body)

        /// Looks for the envelope's key rather than trying the envelope first: a failed decode costs a thrown error
        /// per classification, most of a 1,000-name answer's decoding time.
        init(from decoder: any Decoder) throws {
            if try decoder.container(keyedBy: EnvelopeKey.self).contains(.error) {
                self = .failed(try ErrorEnvelope(from: decoder).error)
            } else {
                self = .classified(try Classification(from: decoder))
            }
        }

        private enum EnvelopeKey: String, CodingKey {
            case error
        }
    }

    private struct Request: Encodable {
        var items: [ClassifyItem]
        var llm: Bool
    }

    private struct Response: Decodable {
        var data: [Outcome]
    }

    let client: InternalClient

    /// One outcome per item, in order.
    func classify(_ items: [ClassifyItem], llm: Bool, context: CallContext, logger: Logger) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for start in stride(from: 0, to: items.count, by: Self.batchLimit) {
            let batch = Array(items[start..<min(start + Self.batchLimit, items.count)])
            let response = try await self.client.post("/classify", Request(items: batch, llm: llm), as: Response.self, context: context, logger: logger)
            guard response.data.count == batch.count else {
                throw AppError.unavailable("classifier_error", "The classifier answered \(response.data.count) results for \(batch.count) names.")
            }
            outcomes += response.data
        }
        return outcomes
    }
}
