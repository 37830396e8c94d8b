import Foundation
import Logging
import PostgresNIO
import ServiceKit
import SharedModels
import TestSupport
import Testing

@testable import ActivationService

/// Push runs in a real Postgres: one running run per connection, disjoint batches under concurrent claims, a lost
/// claim taken again, at most 500 stored errors with every one counted, and the activations a run leaves.
@Suite struct PushStoreTests {
    let logger = Logger(label: "test")

    func withStore(_ body: @Sendable (PushStore) async throws -> Void) async throws {
        try await TestDatabase.withClient(as: .activation) { client in
            let migrations = try Migration.load(from: Scripts.root.appendingPathComponent("Services/ActivationService/Migrations"))
            _ = try await MigrationRunner.apply(migrations, on: client, schema: "activation", logger: self.logger)
            try await body(PushStore(client: client))
        }
    }

    func run(connection: String = ConnectionID.generate().rawValue) -> PushRun {
        PushRun(
            id: PushRunID.generate().rawValue, orgID: OrgID.generate().rawValue, connectionID: connection, platform: "custom_api", status: "running",
            templateKey: "internal", cpmCents: 250, currency: "USD", total: 0, errorCount: 0, createdAt: "", finishedAt: nil
        )
    }

    func planned(_ count: Int, failing: Int = 0, skipped: Int = 0) -> [PlannedItem] {
        (0..<count).map { index in
            var item = PlannedItem(topicID: "ot_\(index)", action: .create, name: "Name \(index)", description: "", engineVersion: "2.5")
            if index < failing { item.failure = ItemFailure(code: "topic_not_found", message: "missing") }
            if index >= count - skipped { item.action = .skip }
            return item
        }
    }

    @Test func concurrentClaimsGetDisjointBatchesAndTheRunEndsWhenTheLastIsRecorded() async throws {
        try await self.withStore { store in
            let run = try await store.create(self.run(), actorID: "usr", staleMinutes: 30, items: self.planned(60, failing: 2, skipped: 3), logger: self.logger)
            #expect(run.status == "running" && run.total == 60 && run.errorCount == 2)
            async let a = store.claim(runID: run.id, limit: 25, leaseSeconds: 300, logger: self.logger)
            async let b = store.claim(runID: run.id, limit: 25, leaseSeconds: 300, logger: self.logger)
            let (first, second) = try await (a, b)
            #expect(first.count == 25 && second.count == 25)
            #expect(Set(first.map(\.position)).isDisjoint(with: second.map(\.position)))
            let last = try await store.claim(runID: run.id, limit: 25, leaseSeconds: 300, logger: self.logger)
            #expect(last.count == 5)
            #expect(try await store.claim(runID: run.id, limit: 25, leaseSeconds: 300, logger: self.logger).isEmpty)
            for batch in [first, second, last] {
                try await store.complete(run, outcomes: batch.map { .done($0, id: "seg-\($0.topicID)", segment: .active) }, logger: self.logger)
            }
            let ended = try #require(try await store.run(run.id, orgID: run.orgID, logger: self.logger))
            #expect(ended.status == "completed" && ended.finishedAt != nil)
            let status = try await store.status(ended, logger: self.logger)
            let counts: [Int] = [status.pending, status.pushed, status.skipped, status.failed, status.awaitingReview, status.processing]
            #expect(counts == [0, 55, 3, 2, 0, 0])
            #expect(status.done && status.plan == ["create": 57, "update": 0, "deactivate": 0, "skip": 3] && status.cpm == Money(cents: 250, currency: "USD"))
            let existing = try await store.existing(connectionID: run.connectionID, topicIDs: (0..<60).map { "ot_\($0)" }, logger: self.logger)
            #expect(existing.count == 55)
            #expect(existing["ot_10"]?.platformSegmentID == "seg-ot_10" && existing["ot_10"]?.cpmCents == 250)
        }
    }

    @Test func aSecondRunOfTheSameConnectionIsRefusedWhileOneRuns() async throws {
        try await self.withStore { store in
            let first = try await store.create(self.run(), actorID: "usr", staleMinutes: 30, items: self.planned(3), logger: self.logger)
            var second = self.run(connection: first.connectionID)
            second.orgID = first.orgID
            await #expect {
                try await store.create(second, actorID: "usr", staleMinutes: 30, items: self.planned(3), logger: self.logger)
            } throws: { error in
                (error as? AppError)?.code == "push_in_progress" && (error as? AppError)?.details == .object(["runId": .string(first.id)])
            }
            // A run with nothing to send ends at once and blocks nothing.
            var skipped = self.run(connection: ConnectionID.generate().rawValue)
            skipped.orgID = first.orgID
            let done = try await store.create(skipped, actorID: "usr", staleMinutes: 30, items: self.planned(3, skipped: 3), logger: self.logger)
            #expect(done.status == "completed")
        }
    }

    @Test func aRunNobodyPushedForHalfAnHourGivesWayToTheNextOne() async throws {
        try await self.withStore { store in
            let abandoned = try await store.create(self.run(), actorID: "usr", staleMinutes: 30, items: self.planned(3), logger: self.logger)
            try await store.client.query("UPDATE push_runs SET updated_at = now() - interval '31 minutes' WHERE id = \(abandoned.id)", logger: self.logger)
            var next = self.run(connection: abandoned.connectionID)
            next.orgID = abandoned.orgID
            let started = try await store.create(next, actorID: "usr", staleMinutes: 30, items: self.planned(3), logger: self.logger)
            #expect(started.status == "running")
            #expect(try await store.run(abandoned.id, orgID: abandoned.orgID, logger: self.logger)?.status == "cancelled")
        }
    }

    @Test func aClaimWhoseProcessDiedIsTakenAgainAndMarkedAsASecondAttempt() async throws {
        try await self.withStore { store in
            let run = try await store.create(self.run(), actorID: "usr", staleMinutes: 30, items: self.planned(2), logger: self.logger)
            let lost = try await store.claim(runID: run.id, limit: 25, leaseSeconds: 300, logger: self.logger)
            #expect(lost.map(\.attempts) == [1, 1])
            #expect(try await store.claim(runID: run.id, limit: 25, leaseSeconds: 300, logger: self.logger).isEmpty)
            try await Task.sleep(for: .seconds(1.2))
            let again = try await store.claim(runID: run.id, limit: 25, leaseSeconds: 1, logger: self.logger)
            #expect(again.map(\.attempts) == [2, 2])
            // A batch given back (nothing reached the platform) is claimable at once, as if never claimed.
            try await store.release(runID: run.id, again, logger: self.logger)
            #expect(try await store.claim(runID: run.id, limit: 25, leaseSeconds: 300, logger: self.logger).map(\.attempts) == [2, 2])
        }
    }

    @Test func atMost500ErrorsAreStoredAndEveryOneIsCounted() async throws {
        try await self.withStore { store in
            let run = try await store.create(self.run(), actorID: "usr", staleMinutes: 30, items: self.planned(620, failing: 20), logger: self.logger)
            while true {
                let batch = try await store.claim(runID: run.id, limit: 100, leaseSeconds: 300, logger: self.logger)
                if batch.isEmpty { break }
                let failure = PlatformError(code: "rejected", message: "no", status: 422)
                try await store.complete(run, outcomes: batch.map { .failed($0, failure) }, logger: self.logger)
            }
            let ended = try #require(try await store.run(run.id, orgID: run.orgID, logger: self.logger))
            #expect(ended.status == "failed" && ended.errorCount == 620)
            let status = try await store.status(ended, logger: self.logger)
            #expect(status.errors.count == 500 && status.failed == 620 && status.storedErrors == 500)
            #expect(status.errors.first?.code == "topic_not_found" && status.errors.last?.code == "rejected")
        }
    }
}
