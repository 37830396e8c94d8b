import Connectors
import Foundation
import Logging
import ServiceKit
import SharedModels

/// Turns the customer's records into the topics-service's ingest records through the connection's field
/// mappings (dotted source paths), with values coerced to text. A record that cannot be mapped is an error for
/// that record alone, keeping its raw JSON so the user sees exactly what broke.
struct RecordMapper: Sendable {
    struct Mapped: Sendable {
        /// The record's place in the page.
        var index: Int
        var fields: [String: JSONValue]
        var externalID: String?
    }

    struct Failure: Sendable {
        var index: Int
        var reason: String
        var raw: String
        var externalID: String?
    }

    /// The fields topics-service ingests; other mapped targets are not stored by a sync yet.
    static let ingested: [FieldMapping.Target] = [.topicName, .externalID, .description, .iabCode, .audienceType]
    static let maxNameLength = 500
    static let maxExternalIDLength = 255
    static let maxRawLength = 2000

    let mappings: [(path: JSONPath?, source: String, target: FieldMapping.Target)]
    let incrementalField: JSONPath?

    init(config: InboundConfig) {
        var mappings = config.fieldMappings.filter { Self.ingested.contains($0.target) }.map { (JSONPath($0.source), $0.source, $0.target) }
        if let field = config.sourceIDField, !mappings.contains(where: { $0.2 == .externalID }) {
            mappings.append((JSONPath(field), field, .externalID))
        }
        self.mappings = mappings
        self.incrementalField = config.incrementalField.flatMap(JSONPath.init)
    }

    /// The page's records, mapped or failed, in page order, and the largest incremental value among them.
    func map(_ records: [JSONValue]) -> (mapped: [Mapped], failures: [Failure], watermark: String?) {
        var mapped: [Mapped] = []
        var failures: [Failure] = []
        var watermark: String?
        mapped.reserveCapacity(records.count)
        for (index, record) in records.enumerated() {
            if let value = self.incrementalField?.evaluate(record).flatMap(Self.text), Watermark.isNewer(value, than: watermark) {
                watermark = value
            }
            switch self.map(record) {
            case .success(let fields):
                mapped.append(Mapped(index: index, fields: fields, externalID: fields["external_id"].flatMap(\.stringValue)))
            case .failure(let failure):
                let externalID = self.mappings.first { $0.target == .externalID }?.path?.evaluate(record).flatMap(Self.text)
                    .map { $0.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") }
                failures.append(Failure(index: index, reason: failure.message, raw: Self.raw(record), externalID: externalID))
            }
        }
        return (mapped, failures, watermark)
    }

    func map(_ record: JSONValue) -> Result<[String: JSONValue], PageError> {
        guard case .object = record else { return .failure(PageError("The record is not a JSON object.")) }
        var fields: [String: JSONValue] = [:]
        for mapping in self.mappings {
            guard let value = mapping.path?.evaluate(record) else { continue }
            switch (mapping.target, value) {
            case (.topicName, .object), (.topicName, .array), (.externalID, .object), (.externalID, .array):
                return .failure(PageError("\(mapping.target.rawValue) (source field '\(mapping.source)') is not text or a number."))
            default:
                if let text = Self.text(value), !text.isEmpty { fields[mapping.target.rawValue] = .string(text) }
            }
        }
        // Postgres cannot store U+0000; such a record is this record's error, not the page's.
        if let field = fields.keys.sorted().first(where: { fields[$0]?.stringValue?.contains("\u{0}") == true }) {
            return .failure(PageError("\(field) contains the NUL character (U+0000), which cannot be stored."))
        }
        guard case .string(let name)? = fields["topic_name"] else {
            let source = self.mappings.first { $0.target == .topicName }?.source ?? "(none)"
            return .failure(PageError("Field mapping error: topic_name is required, and source field '\(source)' is missing or empty in this record."))
        }
        guard name.count <= Self.maxNameLength else {
            return .failure(PageError("topic_name is longer than \(Self.maxNameLength) characters (\(name.count))."))
        }
        if case .string(let id)? = fields["external_id"], id.count > Self.maxExternalIDLength {
            return .failure(PageError("external_id is longer than \(Self.maxExternalIDLength) characters."))
        }
        return .success(fields)
    }

    /// A value as text: strings trimmed, whole numbers without a decimal point, booleans as words, lists of
    /// plain values joined with commas; nil for null and objects.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text.trimmingCharacters(in: .whitespacesAndNewlines)
        case .number(let number):
            if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .array(let items):
            let texts = items.compactMap { item -> String? in
                if case .object = item { return nil }
                if case .array = item { return nil }
                return Self.text(item)
            }.filter { !$0.isEmpty }
            return texts.isEmpty ? nil : texts.joined(separator: ", ")
        case .null, .object: return nil
        }
    }

    static func raw(_ record: JSONValue) -> String {
        let text = (try? JSONCoding.encoder.encode(record)).map { String(decoding: $0, as: UTF8.self) } ?? "\(record)"
        return text.count > Self.maxRawLength ? String(text.prefix(Self.maxRawLength)) + "…" : text
    }
}

extension JSONValue {
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
