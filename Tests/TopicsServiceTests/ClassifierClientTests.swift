import Foundation
import SharedModels
import Testing

@testable import TopicsService

/// The classifier answers each name with a classification or an error envelope, in one array.
@Suite struct ClassifierClientTests {
    @Test func aBatchAnswerDecodesClassificationsAndPerNameErrors() throws {
        let classification = Classification(
            topicName: "Tesla Model 3 Buyers", taxonomyType: "Interest", parentCategory: "Auto", subcategory: nil, subcategoryL1: nil,
            subcategoryL2: nil, subcategoryL3: nil, subcategoryL4: nil, segmentType: "B2C", audienceType: "Intenders", iabCode: "IAB2",
            keywords: ["tesla"], sensitivity: "none", intensity: "high", buyerJourney: "decision", engineVersion: "2.5", confidence: 0.9
        )
        let error = ErrorEnvelope(code: "invalid_item", message: "The name is empty.")
        let body = "[\(String(decoding: try JSONCoding.encoder.encode(classification), as: UTF8.self)),"
            + "\(String(decoding: try JSONCoding.encoder.encode(error), as: UTF8.self))]"
        let outcomes = try JSONCoding.decoder.decode([ClassifierClient.Outcome].self, from: Data(body.utf8))
        guard outcomes.count == 2, case .classified(let decoded) = outcomes[0], case .failed(let failure) = outcomes[1] else {
            Issue.record("expected a classification, then an error: \(outcomes)")
            return
        }
        #expect(decoded == classification)
        #expect(failure.code == "invalid_item" && failure.message == "The name is empty.")
    }
}
