@testable import CLI
import SharedModels
import Testing

@Suite struct SyncProgressReporterTests {
    let written = Recorder<String>()

    func reporter(isTerminal: Bool) -> SyncProgressReporter {
        SyncProgressReporter(isTerminal: isTerminal, width: { 120 }, write: self.written.append)
    }

    @Test func onATerminalTheLineIsRedrawnInPlaceAndANoteGoesAboveIt() throws {
        let reporter = self.reporter(isTerminal: true)
        reporter.handle(.status(try .fixture(pages: 1, of: 4)))
        reporter.note("cancelling after the current page…")
        reporter.finish()
        reporter.finish()
        let line = "[█████░░░░░░░░░░░░░░░] 1/4 pages  0 processed  0 new  0 dup  0 adopted  0 err"
        #expect(self.written.all == ["\r\u{1B}[2K" + line, "\r\u{1B}[2Kcancelling after the current page…\n" + line, "\n"])
    }

    @Test func aFailedPageIsNotedWithItsReason() throws {
        let reporter = self.reporter(isTerminal: false)
        let page = SyncPageSummary(pageNumber: 3, records: 0, new: 0, adopted: 0, duplicates: 0, errors: 0, failed: true, error: "timeout")
        reporter.handle(.status(try .fixture(pages: 3, failedPages: 1, lastPage: page)))
        #expect(self.written.all.first == "page 3 failed: timeout\n")
        #expect(self.written.all.count == 2)
    }

    @Test func inALogQuickPagesAreSkippedButTheFinalStateIsWritten() throws {
        let reporter = self.reporter(isTerminal: false)
        reporter.handle(.status(try .fixture(pages: 0, of: 3)))
        reporter.handle(.status(try .fixture(pages: 1, of: 3)))
        reporter.handle(.status(try .fixture(.completed, pages: 3, of: 3)))
        reporter.finish()
        let lines = self.written.all
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { !$0.contains("\r") && $0.hasSuffix("\n") })
        #expect(lines.last?.hasPrefix("sync run_01j00000000000000000000001 completed: pages 3/3") == true)
    }

    @Test func retriesAndFollowingAreNoted() throws {
        let reporter = self.reporter(isTerminal: false)
        reporter.handle(.following(try #require(SyncRunStatus.fixtureRun)))
        reporter.handle(.retrying(attempt: 2, limit: 3, reason: "bad_gateway: down (HTTP 502)"))
        #expect(
            self.written.all == [
                "following run_01j00000000000000000000001, which was already running on this connection\n",
                "page call failed (bad_gateway: down (HTTP 502)); retry 2 of 3\n",
            ]
        )
    }

    @Test func quittingAtOnceSaysHowToPickTheRunUpAgain() throws {
        let reporter = self.reporter(isTerminal: true)
        reporter.handle(.status(try .fixture(pages: 1, of: 4)))
        reporter.abandon()
        let lines = self.written.all.dropFirst()
        #expect(lines.first == "\n")
        #expect(
            lines.last == "Quit at the second Ctrl-C. run_01j00000000000000000000001 may still be running: "
                + "`audiencehub sync --connection conn_01j00000000000000000000000 --follow` picks it up again.\n"
        )
    }

    @Test func quittingAfterTheRunEndedLeavesNothingToPickUp() throws {
        let reporter = self.reporter(isTerminal: false)
        reporter.handle(.status(try .fixture(.cancelled)))
        reporter.abandon()
        #expect(self.written.all.count == 1)
    }
}
