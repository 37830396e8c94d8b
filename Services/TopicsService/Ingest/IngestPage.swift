import Foundation
import ServiceKit
import SharedModels

/// One page of mapped records from sync-service (or one topic from `POST /api/topics`), validated: a bad
/// record is an error for that record only; a bad page is a 400.
struct IngestPage: Sendable {
    struct Record: Sendable {
        var topicName: String
        var normalizedName: String
        var externalID: String?
        var description: String?
        var iabCode: String?
        var audienceType: String?
    }

    static let maxRecords = 1000
    static let maxFieldLength = 2000

    /// Set for sync pages: the page is ingested once, whatever the retries.
    var key: (runID: RunID, pageNumber: Int)?
    var llm = false
    var source: String
    /// `synced`, `imported` or `created`: what the history calls the topics this page adds.
    var changeType: String
    var records: [Result<Record, RecordError>]

    struct RecordError: Error, Sendable {
        var reason: String
    }

    init(key: (runID: RunID, pageNumber: Int)?, llm: Bool, source: String, changeType: String, records: [Result<Record, RecordError>]) {
        self.key = key
        self.llm = llm
        self.source = source
        self.changeType = changeType
        self.records = records
    }

    /// `{"run_id", "page_number", "mode": "rules"|"ai", "source", "change_type"?, "records": [{topic_name, external_id?,
    /// description?, iab_code?, audience_type?}]}`
    init(json body: [String: JSONValue]) throws {
        guard case .string(let run)? = body["run_id"], let runID = RunID(rawValue: run) else { throw Self.invalid("run_id", "run_id must be a run id.") }
        guard case .number(let number)? = body["page_number"], number >= 0, number == number.rounded(), number < 1e9 else {
            throw Self.invalid("page_number", "page_number must be a whole number from 0.")
        }
        guard case .string(let source)? = body["source"], !source.isEmpty, source.count <= 200 else {
            throw Self.invalid("source", "source must be a non-empty string of at most 200 characters.")
        }
        let mode: String
        switch body["mode"] {
        case nil, .null?: mode = "rules"
        case .string(let value)? where value == "rules" || value == "ai": mode = value
        default: throw Self.invalid("mode", "mode must be rules or ai.")
        }
        let changeType: String
        switch body["change_type"] {
        case nil, .null?: changeType = "synced"
        case .string(let value)? where value == "synced" || value == "imported": changeType = value
        default: throw Self.invalid("change_type", "change_type must be synced or imported.")
        }
        guard case .array(let records)? = body["records"], records.count <= Self.maxRecords else {
            throw Self.invalid("records", "records must be a list of at most \(Self.maxRecords) objects.")
        }
        self.init(
            key: (runID, Int(number)), llm: mode == "ai", source: source, changeType: changeType, records: records.map(Self.record)
        )
    }

    static func record(_ value: JSONValue) -> Result<Record, RecordError> {
        guard case .object(let object) = value else { return .failure(RecordError(reason: "the record is not an object")) }
        guard case .string(let raw)? = object["topic_name"] else { return .failure(RecordError(reason: "topic_name is missing")) }
        switch Self.name(raw) {
        case .failure(let error): return .failure(error)
        case .success(let name):
            var optional: [String: String] = [:]
            for field in ["external_id", "description", "iab_code", "audience_type"] {
                switch object[field] {
                case nil, .null?: continue
                case .string(let text)?:
                    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    guard trimmed.count <= Self.maxFieldLength else { return .failure(RecordError(reason: "\(field) is too long")) }
                    if !trimmed.isEmpty { optional[field] = trimmed }
                default: return .failure(RecordError(reason: "\(field) must be a string"))
                }
            }
            return .success(
                Record(
                    topicName: name, normalizedName: TopicName.normalize(name), externalID: optional["external_id"],
                    description: optional["description"], iabCode: optional["iab_code"], audienceType: optional["audience_type"]
                )
            )
        }
    }

    /// A topic name trimmed, with letters or digits, at most `TopicName.maxLength` characters.
    static func name(_ raw: String) -> Result<String, RecordError> {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !TopicName.normalize(name).isEmpty else { return .failure(RecordError(reason: "topic_name is empty")) }
        guard name.count <= TopicName.maxLength else {
            return .failure(RecordError(reason: "topic_name is longer than \(TopicName.maxLength) characters"))
        }
        return .success(name)
    }

    private static func invalid(_ field: String, _ message: String) -> AppError {
        .badRequest("invalid_ingest", message, details: .object(["field": .string(field)]))
    }
}
