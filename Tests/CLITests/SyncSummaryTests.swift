@testable import CLI
import Foundation
import SharedModels
import Testing

@Suite struct SyncSummaryTests {
    @Test func aFinishedRunIsSummarisedFromItsOwnTimestamps() throws {
        let status = try SyncRunStatus.fixture(
            .completed, pages: 40, of: 40, failedPages: 1, new: 800, adopted: 90, duplicates: 300, errors: 10, message: "done",
            completedAfter: 125
        )
        let summary = SyncSummary(status: status, now: .distantFuture)
        #expect(
            summary.text == """
                run         run_01j00000000000000000000001
                status      completed
                pages       40/40, 1 failed
                processed   1200
                new         800
                duplicates  300
                adopted     90
                errors      10
                elapsed     2m05s
                rate        9.6 records/s
                message     done
                """
        )
    }

    @Test func anUnfinishedRunIsMeasuredUpToNowAndHasNoMessageRowWithoutAMessage() throws {
        let status = try SyncRunStatus.fixture(.running, pages: 2, new: 20)
        let text = SyncSummary(status: status, now: status.startedAt.addingTimeInterval(4)).text
        #expect(text.contains("pages       2, 0 failed"))
        #expect(text.contains("elapsed     4.0s"))
        #expect(text.contains("rate        5.0 records/s"))
        #expect(!text.contains("message"))
    }

    @Test func aRunThatTookNoTimeHasNoRate() throws {
        let status = try SyncRunStatus.fixture(.completed, completedAfter: 0)
        #expect(!SyncSummary(status: status, now: .distantFuture).text.contains("rate"))
    }

    @Test(arguments: [
        (SyncRunStatus.State.completed, false, Int32(0)), (.completed, true, 0), (.failed, false, 1), (.failed, true, 1),
        (.cancelled, false, 1), (.cancelled, true, 130), (.running, true, 130), (.running, false, 1),
    ])
    func theExitCodeSaysHowTheRunEnded(state: SyncRunStatus.State, interrupted: Bool, code: Int32) {
        #expect(SyncExitCode.code(for: state, interrupted: interrupted) == code)
    }
}
