import Foundation
import ServiceKit
import SharedModels
import Testing

@testable import TopicsService

/// The classifier answers each name with a classification or an error envelope, in one array.
@Suite struct ClassifierClientTests {
    static let classification = Classification(
        topicName: "Tesla \"Model 3\" [Buyers] {EU}, \\ ☕", taxonomyType: "Interest", parentCategory: "Auto", subcategory: nil,
        subcategoryL1: nil, subcategoryL2: nil, subcategoryL3: nil, subcategoryL4: nil, segmentType: "B2C", audienceType: "Intenders",
        iabCode: "IAB2", keywords: ["tesla", "ev]"], sensitivity: "none", intensity: "high", buyerJourney: "decision",
        platformOutputs: ["x": "}{"], engineVersion: "2.5", confidence: 0.9
    )
    static let error = ErrorEnvelope(code: "invalid_item", message: "The name is empty.", details: .object(["field": "topic_name"]))

    static func answer() throws -> String {
        "{\"data\": [\(String(decoding: try JSONCoding.encoder.encode(Self.classification), as: UTF8.self)),\n  "
            + "\(String(decoding: try JSONCoding.encoder.encode(Self.error), as: UTF8.self))]}"
    }

    @Test func aBatchAnswerDecodesClassificationsAndPerNameErrors() throws {
        let outcomes = try JSONCoding.decoder.decode([String: [ClassifierClient.Outcome]].self, from: Data(try Self.answer().utf8))["data"]
        guard let outcomes, outcomes.count == 2, case .classified(let decoded) = outcomes[0], case .failed(let failure) = outcomes[1] else {
            Issue.record("expected a classification, then an error: \(String(describing: outcomes))")
            return
        }
        #expect(decoded == Self.classification)
        #expect(failure.code == "invalid_item" && failure.message == "The name is empty.")
    }

    /// An ingest keeps each classification as the text the classifier wrote, brackets and quotes in its strings and
    /// all, and still tells the per-name errors apart.
    @Test func aBatchAnswerSplitsIntoClassificationTextsAndPerNameErrors() throws {
        let outcomes = try ClassifierClient.jsonOutcomes(in: Array(try Self.answer().utf8))
        guard outcomes.count == 2, case .classified(let text) = outcomes[0], case .failed(let failure) = outcomes[1] else {
            Issue.record("expected a classification, then an error: \(outcomes)")
            return
        }
        #expect(text == String(decoding: try JSONCoding.encoder.encode(Self.classification), as: UTF8.self))
        #expect(failure.code == "invalid_item" && failure.details == .object(["field": "topic_name"]))
    }

    @Test(arguments: [#"{"data":[{"a":1}"#, #"{"data":{}}"#, #"{"items":[]}"#, "[]", "", #"{"data":[{"a":"}]}"#, #"{"data":[1 2]}"#])
    func anUnreadableAnswerIsAnUnavailableClassifierNotACrash(body: String) {
        #expect(throws: AppError.self) { try ClassifierClient.jsonOutcomes(in: Array(body.utf8)) }
    }
}
