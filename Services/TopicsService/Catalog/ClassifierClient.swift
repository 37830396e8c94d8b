import Foundation
import Logging
import NIOCore
import NIOHTTP1
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

    /// What the classifier answered for one name, a classification kept as the JSON text it came in (as
    /// `JSONWriter.classification` writes it): an ingest stores it as it is, and decoding a page's 1,000 took 7% of
    /// topics-service's CPU during 1M-catalog ingest pages (perf).
    enum JSONOutcome: Sendable {
        case classified(String)
        case failed(ErrorEnvelope.Body)
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
        try await self.inBatches(items) { batch in
            try await self.client.post("/classify", Request(items: batch, llm: llm), as: Response.self, context: context, logger: logger).data
        }
    }

    /// `classify`, with each classification as the classifier wrote it.
    func classifyAsJSON(_ items: [ClassifyItem], llm: Bool, context: CallContext, logger: Logger) async throws -> [JSONOutcome] {
        try await self.inBatches(items) { batch in
            let request = ByteBuffer(bytes: try JSONCoding.encoder.encode(Request(items: batch, llm: llm)))
            let body = try await self.client.send(.POST, "/classify", body: request, context: context, logger: logger).successfulBody()
            return try Self.jsonOutcomes(in: Array(body.readableBytesView))
        }
    }

    /// The outcomes of a `/classify` answer (`{"data":[…]}`), each classification's text as it is.
    static func jsonOutcomes(in bytes: [UInt8]) throws -> [JSONOutcome] {
        let unreadable = AppError.unavailable("classifier_error", "The classifier's answer could not be read.")
        guard let elements = JSONSlices.elements(of: "data", in: bytes) else { throw unreadable }
        return try elements.map { element in
            switch JSONSlices.value(of: "error", inObjectAt: element.lowerBound, of: bytes) {
            case nil: throw unreadable
            case .some(nil): return .classified(String(decoding: bytes[element], as: UTF8.self))
            case .some(.some): return .failed(try JSONCoding.decoder.decode(ErrorEnvelope.self, from: Data(bytes[element])).error)
            }
        }
    }

    /// `body`'s outcomes for `items` a batch at a time, each batch checked to answer once per item.
    private func inBatches<Outcome>(_ items: [ClassifyItem], _ body: ([ClassifyItem]) async throws -> [Outcome]) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for start in stride(from: 0, to: items.count, by: Self.batchLimit) {
            let batch = Array(items[start..<min(start + Self.batchLimit, items.count)])
            let answered = try await body(batch)
            guard answered.count == batch.count else {
                throw AppError.unavailable("classifier_error", "The classifier answered \(answered.count) results for \(batch.count) names.")
            }
            outcomes += answered
        }
        return outcomes
    }
}
