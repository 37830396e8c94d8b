import Foundation
import SharedModels
import Testing

@testable import CLI

/// What `audiencehub push` reads and prints, and how it exits.
@Suite struct PushCommandTests {
    func status(_ state: String = "completed", pushed: Int = 0, skipped: Int = 0, failed: Int = 0, review: Int = 0, errors: Int = 0) -> PushRunStatus {
        PushRunStatus(
            runId: "push_1", connectionId: "conn_1", platform: "custom_api", status: state, done: true, total: pushed + skipped + failed + review,
            pending: 0, pushed: pushed, skipped: skipped, failed: failed, awaitingReview: review, processing: 0, errorCount: errors,
            plan: ["create": pushed], errors: (0..<min(errors, 12)).map { PushRunStatus.ErrorEntry(position: $0, topicId: "ot_\($0)", code: "rejected", message: "no") },
            templateKey: "internal", cpm: Money(cents: 0, currency: "USD"), createdAt: "", finishedAt: nil
        )
    }

    @Test func theExitStatusSaysWhetherEverythingArrived() {
        #expect(Push.exitCode(self.status(pushed: 5, skipped: 2)) == 0)
        #expect(Push.exitCode(self.status(pushed: 5, failed: 1)) == 3)
        #expect(Push.exitCode(self.status("failed", failed: 6)) == 1)
    }

    @Test func theSummaryCountsWhatWaitsOnThePlatformAndListsTenErrors() {
        #expect(self.status(pushed: 3, skipped: 1, review: 2).line == "6/6, pushed 5, skipped 1, failed 0, awaiting review 2")
        let summary = Push.summary(self.status(failed: 12, errors: 12))
        #expect(summary.contains("ot_9: rejected: no") && !summary.contains("ot_10:"))
        #expect(summary.contains("… 2 more"))
    }

    @Test func idsAreReadOnePerLineSkippingBlanksAndComments() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ah-ids-\(UUID().uuidString).txt")
        try "# header\not_1\n\n  ot_2  \r\not_3".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try Push.readIDs(file.path) == ["ot_1", "ot_2", "ot_3"])
        #expect(throws: (any Error).self) { try Push.readIDs("/nonexistent/ids.txt") }
    }

    @Test func aDryRunsPlanIsPrintedItemByItem() {
        let plan: JSONValue = [
            "plan": ["create": 1, "update": 0, "deactivate": 0, "skip": 1],
            "items": [
                ["topicId": "ot_1", "action": "create", "name": "Auto > EV"],
                ["topicId": "ot_2", "action": "create", "name": "", "error": ["code": "invalid_name", "message": "too long"]],
            ],
        ]
        #expect(Push.planText(plan) == "dry run: create 1, update 0, deactivate 0, skip 1\n  ot_1  create  Auto > EV\n  ot_2  create  cannot push: too long")
    }
}
