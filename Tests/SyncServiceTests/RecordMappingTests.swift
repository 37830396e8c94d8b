import Foundation
import SharedModels
import Testing

@testable import Connectors
@testable import SyncService

@Suite struct RecordMappingTests {
    func config(_ extra: [String: JSONValue] = [:]) throws -> InboundConfig {
        var stored: [String: JSONValue] = [
            "base_url": "http://127.0.0.1:1/v1/segments", "response_path": "data.segments",
            "field_mappings": [["source": "name", "target": "topic_name"], ["source": "meta.id", "target": "external_id"],
                               ["source": "about", "target": "description"]],
            "pagination_params": ["page_size": 100, "cursor_path": "paging.next"], "count_response_path": "meta.total",
        ]
        stored.merge(extra) { $1 }
        return try Self.canonical(stored)
    }

    /// A config as connections-service validates and stores it.
    static func canonical(_ config: [String: JSONValue]) throws -> InboundConfig {
        var errors = FieldErrors()
        let stored = ConfigValidator.validate(config, platform: .customAPI, direction: .inbound, authType: .none, into: &errors)
        try #require(errors.all.isEmpty, "\(errors.all)")
        return try InboundConfig(stored: stored)
    }

    @Test func recordsAreMappedThroughDottedPathsWithValuesCoercedToText() throws {
        let mapper = RecordMapper(config: try self.config(["incremental_field": "updated_at"]))
        let records: [JSONValue] = [
            ["name": "  Tesla Buyers ", "meta": ["id": 42], "about": ["a", 1, true], "updated_at": "2026-01-01T00:00:05Z"],
            ["name": "No Id", "about": .null, "updated_at": "2026-01-01T00:00:09Z"],
            ["name": 3.5, "meta": ["id": "x"], "updated_at": "2026-01-01T00:00:01Z"],
        ]
        let (mapped, failures, watermark) = mapper.map(records)
        #expect(failures.isEmpty)
        #expect(mapped.map(\.fields) == [
            ["topic_name": "Tesla Buyers", "external_id": "42", "description": "a, 1, true"], ["topic_name": "No Id"],
            ["topic_name": "3.5", "external_id": "x"],
        ])
        #expect(watermark == "2026-01-01T00:00:09Z")
    }

    @Test func aRecordWithoutANameIsAnErrorWithItsRawJSONAndThePageGoesOn() throws {
        let mapper = RecordMapper(config: try self.config())
        let records: [JSONValue] = [["meta": ["id": "a1"]], "just text", ["name": ["first": "x"]], ["name": "   "], ["name": "Fine"]]
        let (mapped, failures, _) = mapper.map(records)
        #expect(mapped.map(\.index) == [4])
        #expect(failures.map(\.index) == [0, 1, 2, 3])
        #expect(failures[0].reason.contains("topic_name is required"))
        #expect(failures[0].raw == #"{"meta":{"id":"a1"}}"#)
        #expect(failures[0].externalID == "a1")
        #expect(failures[1].reason.contains("not a JSON object"))
        #expect(failures[2].reason.contains("not text"))
    }

    @Test func aNULCharacterIsTheRecordsErrorNotThePages() throws {
        let mapper = RecordMapper(config: try self.config())
        let records: [JSONValue] = [["name": "Bad\u{0}Name", "meta": ["id": "a\u{0}1"]], ["name": "Fine", "meta": ["id": "b2"]]]
        let (mapped, failures, _) = mapper.map(records)
        #expect(mapped.map(\.index) == [1])
        #expect(failures.map(\.index) == [0])
        #expect(failures.first?.reason == "external_id contains the NUL character (U+0000), which cannot be stored.")
        #expect(failures.first?.externalID == "a\u{FFFD}1")
        #expect(failures.first?.raw.contains(#"\u0000"#) == true)
    }

    @Test func overlongNamesAreErrorsNotTruncations() throws {
        let mapper = RecordMapper(config: try self.config())
        let (mapped, failures, _) = mapper.map([["name": .string(String(repeating: "n", count: 501))]])
        #expect(mapped.isEmpty)
        #expect(failures.first?.reason.contains("longer than 500") == true)
    }

    @Test func sourceIDFieldFillsTheExternalID() throws {
        var stored: [String: JSONValue] = ["base_url": "http://x/y", "field_mappings": [["source": "name", "target": "topic_name"]], "source_id_field": "code"]
        stored["response_path"] = "items.0.rows"
        let config = try Self.canonical(stored)
        let (mapped, _, _) = RecordMapper(config: config).map([["name": "A", "code": 7]])
        #expect(mapped.first?.fields["external_id"] == "7")
        let page = try SourcePage(["items": [["rows": [["name": "A"]]]]], config: config)
        #expect(page.records.count == 1)
    }

    @Test func pagesAreReadThroughTheirPathsAndAMissingPathSaysSo() throws {
        let config = try self.config()
        let page = try SourcePage(["data": ["segments": [["name": "a"], ["name": "b"]]], "meta": ["total": "12"], "paging": ["next": 40]], config: config)
        #expect(page.records.count == 2)
        #expect(page.total == 12)
        #expect(page.nextCursor == "40")
        let last = try SourcePage(["data": ["segments": []], "paging": ["next": ""]], config: config)
        #expect(last.nextCursor == nil)
        #expect {
            try SourcePage(["results": []], config: config)
        } throws: { error in
            (error as? PageError)?.message.contains("Response path returned no records") == true
        }
        #expect(throws: PageError.self) { try SourcePage(["data": ["segments": ["a": 1]]], config: config) }
    }

    @Test func watermarksCompareAsNumbersOrTimesAndAreCappedAtTheRunStart() throws {
        #expect(Watermark.isNewer("10", than: "9"))
        #expect(!Watermark.isNewer("2026-01-01T00:00:00Z", than: "2026-01-01T00:00:00.500Z"))
        #expect(Watermark.isNewer("b", than: "a"))
        #expect(Watermark.isNewer("x", than: nil))
        let start = try #require(Watermark.date("2026-06-01T00:00:00Z"))
        #expect(Watermark.stored("2026-07-01T00:00:00Z", runStartedAt: start) == "2026-06-01T00:00:00Z")
        #expect(Watermark.stored("2026-05-01T00:00:00Z", runStartedAt: start) == "2026-05-01T00:00:00Z")
        #expect(Watermark.stored("812", runStartedAt: start) == "812")
        #expect(Watermark.filter("2026-05-01T00:10:00Z", lookbackSeconds: 600) == "2026-05-01T00:00:00Z")
        #expect(Watermark.filter("812", lookbackSeconds: 600) == "812")
    }

    @Test func aRepeatedPageHasTheSameFingerprintAndADifferentPageDoesNot() {
        let page: [JSONValue] = [["id": 1], ["id": 2]]
        #expect(RunEngine.fingerprint(page) == RunEngine.fingerprint(page))
        #expect(RunEngine.fingerprint(page) != RunEngine.fingerprint([["id": 3], ["id": 4]]))
        #expect(RunEngine.fingerprint([]) == nil)
    }
}
