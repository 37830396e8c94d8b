@testable import CLI
import SharedModels
import Testing

@Suite struct SyncProgressTests {
    /// 12 of 40 pages, 1200 of 4000 records in 10 s: 120 records/s, 2800 left, 23 s to go.
    func midway() throws -> SyncProgress {
        SyncProgress(
            status: try .fixture(pages: 12, of: 40, failedPages: 1, totalItems: 4000, new: 800, adopted: 90, duplicates: 300, errors: 10),
            elapsed: 10
        )
    }

    @Test func rateAndETAComeFromTheRecordsProcessedSinceThePickUp() throws {
        var progress = try self.midway()
        #expect(progress.rate == 120)
        #expect(progress.eta.map { ($0 * 10).rounded() } == 233)
        progress.baseline = 1000
        #expect(progress.rate == 20)
        #expect(progress.eta == 140)
    }

    @Test func noRateInTheFirstHalfSecondOrBeforeAnyRecordAndNoETAWithoutATotal() throws {
        #expect(SyncProgress(status: try .fixture(new: 10), elapsed: 0.2).rate == nil)
        #expect(SyncProgress(status: try .fixture(), elapsed: 5).rate == nil)
        let noTotal = SyncProgress(status: try .fixture(pages: 3, of: 10, new: 300), elapsed: 10)
        #expect(noTotal.rate == 30)
        #expect(noTotal.eta == nil)
    }

    @Test func theBarFollowsPagesThenRecordsAndIsFullOnceTheRunEnds() throws {
        #expect(try self.midway().fraction == 0.3)
        #expect(SyncProgress(status: try .fixture(totalItems: 400, new: 100), elapsed: 1).fraction == 0.25)
        #expect(SyncProgress(status: try .fixture(pages: 2), elapsed: 1).fraction == nil)
        #expect(SyncProgress(status: try .fixture(.cancelled, pages: 2, of: 9), elapsed: 1).fraction == 1)
    }

    @Test func aWideTerminalShowsTheBarAndEveryField() throws {
        let line = try self.midway().line(width: 120, isTTY: true)
        #expect(
            line == "[██████░░░░░░░░░░░░░░] 12/40 pages (1 failed)  1200 processed  800 new  300 dup  90 adopted  10 err  "
                + "120 rec/s  ETA 23s"
        )
    }

    @Test(arguments: [100, 80, 60, 40])
    func aNarrowerTerminalDropsTheLeastUsefulFieldsFirstAndNeverFillsTheLastColumn(width: Int) throws {
        let line = try self.midway().line(width: width, isTTY: true)
        #expect(line.count <= width - 1)
        #expect(line.contains("12/40 pages (1 failed)"))
        #expect(line.hasPrefix("[███░░░░░░░]"))
    }

    @Test func eightyColumnsKeepProcessedRateAndETA() throws {
        let line = try self.midway().line(width: 80, isTTY: true)
        #expect(line == "[███░░░░░░░] 12/40 pages (1 failed)  1200 processed  120 rec/s  ETA 23s")
    }

    @Test func aTinyTerminalGetsTheStartOfTheLineWithoutABar() throws {
        #expect(try self.midway().line(width: 20, isTTY: true) == "12/40 pages (1 fail")
    }

    @Test func withoutTotalsThereIsNoBarAndNoETA() throws {
        let line = SyncProgress(status: try .fixture(pages: 3, new: 300), elapsed: 10).line(width: 120, isTTY: true)
        #expect(line == "3 pages  300 processed  300 new  0 dup  0 adopted  0 err  30 rec/s")
    }

    @Test func aLogLineIsPlainAndComplete() throws {
        let line = try self.midway().line(width: 20, isTTY: false)
        #expect(
            line == "sync run_01j00000000000000000000001 running: pages 12/40 (1 failed), processed 1200, new 800, duplicates 300, "
                + "adopted 90, errors 10, 120 records/s, ETA 23s"
        )
    }

    @Test func logLinesComeAtMostOnceASecondButTheFirstAndLastAlways() {
        #expect(SyncProgress.shouldLog(secondsSinceLastLine: nil, isFinal: false))
        #expect(!SyncProgress.shouldLog(secondsSinceLastLine: 0.4, isFinal: false))
        #expect(SyncProgress.shouldLog(secondsSinceLastLine: 0.4, isFinal: true))
        #expect(SyncProgress.shouldLog(secondsSinceLastLine: 1.2, isFinal: false))
    }
}
