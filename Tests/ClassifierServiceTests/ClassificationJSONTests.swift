import ClassifierEngine
import Foundation
import ServiceKit
import SharedModels
import Testing

@testable import ClassifierService

/// The hand-written JSON of a classification is byte for byte what the shared encoder writes.
@Suite struct ClassificationJSONTests {
    @Test(arguments: ["Tesla Model 3 Buyers", "B2B - IT \"Decision\" Makers / Cloud\\Security", "Café\tLovers ☕", "Zzqx"])
    func theWriterMatchesTheSharedEncoder(name: String) throws {
        let classifier = try RuleClassifier.bundled()
        var classification = classifier.classify(ClassifyItem(topicName: name, description: "Line one\nline \u{1}two"))
        classification.platformOutputs = ["zeta": "Z/1", "alpha": "A \"quoted\""]
        classification.confidence = 1
        var writer = JSONWriter()
        writer.classification(classification)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == String(decoding: try JSONCoding.encoder.encode(classification), as: UTF8.self))
    }

    @Test func anyJSONValueMatchesTooWithItsKeysSorted() throws {
        let value: JSONValue = .object([
            "zeta": .array([.null, .bool(true), .number(3), .number(2.675), .number(-0.5)]), "alpha": .string("A \"q\" /\n\u{1}"),
            "nested": .object(["b": .object([:]), "a": .array([])]),
        ])
        var writer = JSONWriter()
        writer.value(value)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == String(decoding: try JSONCoding.encoder.encode(value), as: UTF8.self))
        let rows = JSONWriter.rows([("id1", nil), ("id2", "x")] as [(String, String?)]) { writer, row in
            writer.key("id", first: true)
            writer.string(row.0)
            writer.key("note")
            writer.string(row.1)
        }
        #expect(rows == #"[{"id":"id1","note":null},{"id":"id2","note":"x"}]"#)
    }

    @Test func anErrorEnvelopeMatchesTooWithItsDetails() throws {
        let envelope = ErrorEnvelope(code: "invalid_item", message: "Bad \"item\".", details: .object(["field": "topic_name"]))
        var writer = JSONWriter()
        writer.envelope(envelope)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == String(decoding: try JSONCoding.encoder.encode(envelope), as: UTF8.self))
    }
}
