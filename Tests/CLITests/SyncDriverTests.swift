@testable import CLI
import SharedModels
import Testing

@Suite struct SyncDriverTests {
    let connection = SyncRunStatus.fixtureConnection
    let events = Recorder<SyncEvent>()
    let sleeps = Recorder<Duration>()

    func driver(_ client: FakeSyncClient, interruption: Interruption = Interruption()) -> SyncDriver<FakeSyncClient> {
        SyncDriver(
            client: client, interruption: interruption,
            report: self.events.append,
            sleep: { self.sleeps.append($0) }
        )
    }

    static func busy(_ code: String, runId: String? = nil) -> GatewayError {
        .status(409, code: code, message: "busy", details: runId.map { .object(["runId": .string($0)]) })
    }

    @Test func pagesAreCalledUntilTheRunIsFinalAndEveryAnswerIsReported() async throws {
        let client = FakeSyncClient(
            start: .success(try .fixture(of: 2)),
            pages: [.success(try .fixture(pages: 1, of: 2, new: 10)), .success(try .fixture(.completed, pages: 2, of: 2, new: 20))]
        )
        let status = try await self.driver(client).run(connection: try #require(self.connection), mode: .ai, follow: false)
        #expect(status.status == .completed)
        #expect(await client.calls == ["start ai", "page", "page"])
        #expect(self.events.all.count == 3)
    }

    @Test func aRunWithNothingToDoMakesNoPageCall() async throws {
        let client = FakeSyncClient(start: .success(try .fixture(.completed)))
        let status = try await self.driver(client).run(connection: try #require(self.connection), mode: .rules, follow: false)
        #expect(status.status == .completed)
        #expect(await client.calls == ["start rules"])
    }

    @Test func aPageCallFailingWith503IsSentAgainWithGrowingPauses() async throws {
        let unavailable = GatewayError.status(503, code: "upstream_unavailable", message: "down", details: nil)
        let client = FakeSyncClient(
            start: .success(try .fixture()),
            pages: [.failure(unavailable), .failure(unavailable), .failure(.unreachable("reset")), .success(try .fixture(.completed, pages: 1))]
        )
        let status = try await self.driver(client).run(connection: try #require(self.connection), mode: .rules, follow: false)
        #expect(status.status == .completed)
        #expect(self.sleeps.all == [.milliseconds(500), .seconds(1), .seconds(2)])
        let retries = self.events.all.filter { if case .retrying = $0 { true } else { false } }
        #expect(retries.count == 3)
    }

    @Test func aFourthFailureStopsWithAHintToFollowTheRun() async throws {
        let badGateway = GatewayError.status(502, code: "bad_gateway", message: "no upstream", details: nil)
        let client = FakeSyncClient(start: .success(try .fixture()), pages: Array(repeating: .failure(badGateway), count: 4))
        let connection = try #require(self.connection)
        let error = await #expect(throws: SyncError.self) {
            try await self.driver(client).run(connection: connection, mode: .rules, follow: false)
        }
        let run = try #require(SyncRunStatus.fixtureRun)
        #expect(error == .stoppedDriving(run, connection: connection, cause: badGateway.description))
        #expect(error?.description.contains("--follow") == true)
        #expect(await client.calls.count(where: { $0 == "page" }) == 4)
    }

    @Test func anErrorThatIsNotTransientIsNotRetried() async throws {
        let client = FakeSyncClient(
            start: .success(try .fixture()), pages: [.failure(.status(404, code: "run_not_found", message: "gone", details: nil))]
        )
        await #expect(throws: SyncError.self) {
            try await self.driver(client).run(connection: try #require(self.connection), mode: .rules, follow: false)
        }
        #expect(await client.calls == ["start rules", "page"])
    }

    @Test func pageInProgressWaitsAndCallsAgainWithoutCountingAsAFailure() async throws {
        let busy = Self.busy("page_in_progress")
        let client = FakeSyncClient(
            start: .success(try .fixture()),
            pages: Array(repeating: .failure(busy), count: 5) + [.success(try .fixture(.completed, pages: 1))]
        )
        let status = try await self.driver(client).run(connection: try #require(self.connection), mode: .rules, follow: false)
        #expect(status.status == .completed)
        #expect(self.sleeps.all == Array(repeating: .milliseconds(200), count: 5))
    }

    @Test func anotherActiveRunIsReportedWithItsIdWithoutFollow() async throws {
        let client = FakeSyncClient(start: .failure(Self.busy("sync_in_progress", runId: "run_01j00000000000000000000009")))
        let connection = try #require(self.connection)
        let error = await #expect(throws: SyncError.self) {
            try await self.driver(client).run(connection: connection, mode: .rules, follow: false)
        }
        #expect(error == .alreadyRunning(connection, run: "run_01j00000000000000000000009"))
        #expect(error?.description.contains("--follow") == true)
        #expect(await client.calls == ["start rules"])
    }

    @Test func followDrivesTheRunningRunInsteadOfStartingOne() async throws {
        let client = FakeSyncClient(
            start: .failure(.malformed("must not be called")), running: try .fixture(pages: 3, of: 4, new: 30),
            pages: [.success(try .fixture(.completed, pages: 4, of: 4, new: 40))]
        )
        let status = try await self.driver(client).run(connection: try #require(self.connection), mode: .rules, follow: true)
        #expect(status.processedPages == 4)
        #expect(await client.calls == ["list running", "page"])
        #expect(self.events.all.first == .following(try #require(SyncRunStatus.fixtureRun)))
    }

    @Test func followTakesTheRunIdOfA409WhenTheListHadNone() async throws {
        let run = "run_01j00000000000000000000009"
        let client = FakeSyncClient(
            start: .failure(Self.busy("sync_in_progress", runId: run)), statuses: [try .fixture(.completed, pages: 1)]
        )
        let status = try await self.driver(client).run(connection: try #require(self.connection), mode: .rules, follow: true)
        #expect(status.status == .completed)
        #expect(await client.calls == ["list running", "start rules", "status \(run)"])
    }

    @Test func ctrlCDuringAPageLetsItFinishThenCancelsWithoutAnotherPageCall() async throws {
        let interruption = Interruption()
        let client = FakeSyncClient(
            start: .success(try .fixture(of: 5)), pages: [.success(try .fixture(pages: 1, of: 5)), .success(try .fixture(pages: 2, of: 5))],
            cancelled: try .fixture(.cancelled, pages: 1, of: 5),
            onPage: { _ in _ = interruption.press() }
        )
        let status = try await self.driver(client, interruption: interruption)
            .run(connection: try #require(self.connection), mode: .rules, follow: false)
        #expect(status.status == .cancelled)
        #expect(await client.calls == ["start rules", "page", "cancel"])
    }

    @Test func ctrlCWhileAnotherCallerHoldsThePageCancelsAfterTheWait() async throws {
        let interruption = Interruption()
        let client = FakeSyncClient(
            start: .success(try .fixture()), pages: [.failure(Self.busy("page_in_progress"))],
            cancelled: try .fixture(.cancelled), onPage: { _ in _ = interruption.press() }
        )
        let status = try await self.driver(client, interruption: interruption)
            .run(connection: try #require(self.connection), mode: .rules, follow: false)
        #expect(status.status == .cancelled)
        #expect(await client.calls == ["start rules", "page", "cancel"])
    }

    @Test func aCancelThatLeavesTheRunRunningIsPolledUntilItSettles() async throws {
        let interruption = Interruption()
        _ = interruption.press()
        let client = FakeSyncClient(
            start: .success(try .fixture()), cancelled: try .fixture(),
            statuses: [try .fixture(), try .fixture(.cancelled, pages: 1)]
        )
        let status = try await self.driver(client, interruption: interruption)
            .run(connection: try #require(self.connection), mode: .rules, follow: false)
        #expect(status.status == .cancelled)
        let run = try #require(SyncRunStatus.fixtureRun)
        #expect(await client.calls == ["start rules", "cancel", "status \(run)", "status \(run)"])
        #expect(self.sleeps.all == [.milliseconds(500), .milliseconds(500)])
    }
}
