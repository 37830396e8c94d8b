import ClassifierEngine
import Foundation
import SharedModels
import Testing

@testable import ClassifierService

/// The labelled evaluation set (`Resources/eval-segments.tsv`: vendor-style names never seen by the lexicon's
/// authors) through the rules engine. Prints accuracy per field and the commonest confusions
/// (`scripts/eval-classifier` shows the report alone).
@Suite struct ClassifierEvaluationTests {
    struct Row {
        var name: String
        var parent: String
        var segmentType: String
        var audienceType: String
        var iabTier1: String
    }

    static func rows() throws -> [Row] {
        let url = try #require(Bundle.module.url(forResource: "eval-segments", withExtension: "tsv", subdirectory: "Resources"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        return lines.compactMap { line in
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5 else { return nil }
            return Row(name: cells[0], parent: cells[1], segmentType: cells[2], audienceType: cells[3], iabTier1: cells[4])
        }
    }

    static func tier1(_ code: String) -> String { String(code.split(separator: "-").first ?? "") }

    @Test func accuracyMeetsTheTargetsOnUnseenVendorNames() throws {
        let classifier = try RuleClassifier.bundled()
        let rows = try Self.rows()
        #expect(rows.count >= 600)
        var correct = ["parent_category": 0, "iab_tier1": 0, "segment_type": 0, "audience_type": 0]
        var confusions: [String: Int] = [:]
        var misses: [String] = []
        for row in rows {
            let result = classifier.classify(ClassifyItem(topicName: row.name))
            let checks = [
                ("parent_category", row.parent, result.parentCategory), ("iab_tier1", row.iabTier1, Self.tier1(result.iabCode)),
                ("segment_type", row.segmentType, result.segmentType), ("audience_type", row.audienceType, result.audienceType),
            ]
            for (field, expected, actual) in checks {
                if expected == actual {
                    correct[field, default: 0] += 1
                } else if field != "iab_tier1" {
                    confusions["\(field): \(expected) → \(actual)", default: 0] += 1
                    misses.append("  \(field): \(row.name) | expected \(expected), got \(actual)")
                }
            }
        }
        let accuracy = correct.mapValues { Double($0) / Double(max(1, rows.count)) }
        var report = "classifier evaluation on \(rows.count) names\n"
        for field in ["parent_category", "iab_tier1", "segment_type", "audience_type"] {
            report += String(format: "  %-16@ %6.1f %%\n", field as NSString, (accuracy[field] ?? 0) * 100)
        }
        report += "commonest confusions:\n"
        for (confusion, count) in confusions.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }).prefix(25) {
            report += "  \(count)× \(confusion)\n"
        }
        if ProcessInfo.processInfo.environment["AH_EVAL_VERBOSE"] != nil {
            report += "every miss:\n" + misses.sorted().joined(separator: "\n") + "\n"
        }
        print(report)
        #expect((accuracy["parent_category"] ?? 0) >= 0.90)
        #expect((accuracy["iab_tier1"] ?? 0) >= 0.90)
        #expect((accuracy["segment_type"] ?? 0) >= 0.95)
    }
}
