import Connectors
import Foundation
import Logging
import PostgresNIO
import ServiceKit
import SharedModels
import TestSupport
import Testing

@testable import SyncService

/// Jobs and due schedules are claimed through Postgres, so several sync-service processes share them and none
/// runs a job another holds. Serialized: both tests claim from the same table.
@Suite(.serialized) struct JobClaimTests {
    let logger = Logger(label: "test")

    func withSchema(_ body: @Sendable (PostgresClient) async throws -> Void) async throws {
        try await TestDatabase.withClient(as: .sync) { client in
            let migrations = try Migration.load(from: Scripts.root.appendingPathComponent("Services/SyncService/Migrations"))
            _ = try await MigrationRunner.apply(migrations, on: client, schema: "sync", logger: self.logger)
            try await body(client)
        }
    }

    func worker(_ client: PostgresClient, lease: Int = 30) throws -> JobWorker {
        let unused = try ServiceEndpoints("http://127.0.0.1:9")
        func internalClient(_ service: ServiceName) -> InternalClient {
            InternalClient(service: service, from: .sync, endpoints: unused, token: "unused")
        }
        let engine = RunEngine(
            store: RunStore(client: client), connections: ConnectionsClient(client: internalClient(.connections)),
            topics: TopicsClient(client: internalClient(.topics)), fetcher: PageFetcher(fetcher: InboundFetcher(), ahead: 0), stages: LiveStages(),
            leaseSeconds: lease
        )
        return JobWorker(
            engine: engine, schedules: ScheduleStore(client: client), workers: 1, pollInterval: .milliseconds(100), leaseSeconds: lease,
            logger: self.logger, ready: AsyncStream { $0.finish() }
        )
    }

    func queueJob(_ client: PostgresClient, org: OrgID) async throws -> RunID {
        try await RunStore(client: client).create(
            orgID: org, connectionID: ConnectionID.generate(), actorID: "test", kind: .job, mode: "rules", force: false, staleMinutes: 30,
            logger: self.logger
        ).id
    }

    @Test func twoWorkersClaimingAtOnceNeverTakeTheSameJobAndAnExpiredLeaseIsTakenOver() async throws {
        try await self.withSchema { client in
            try await client.query("UPDATE sync_runs SET status = 'cancelled' WHERE status IN ('queued', 'running')", logger: self.logger)
            let org = OrgID.generate()
            var queued: Set<RunID> = []
            for _ in 0..<24 { queued.insert(try await self.queueJob(client, org: org)) }
            let workers = [try self.worker(client), try self.worker(client)]
            let claimed = try await withThrowingTaskGroup(of: [RunID].self) { group in
                for worker in workers {
                    group.addTask {
                        var mine: [RunID] = []
                        while let (id, _, _) = try await worker.claim() { mine.append(id) }
                        return mine
                    }
                }
                return try await group.reduce(into: [RunID]()) { $0 += $1 }
            }
            #expect(claimed.count == 24)
            #expect(Set(claimed) == queued)

            // Claimed and leased: nobody takes them; once a lease has run out (its process died), one worker does.
            #expect(try await workers[0].claim() == nil)
            let orphan = try #require(claimed.first)
            try await client.query("UPDATE sync_runs SET lease_until = now() - interval '1 second' WHERE id = \(orphan.rawValue)", logger: self.logger)
            #expect(try await workers[1].claim()?.0 == orphan)
            #expect(try await workers[0].claim() == nil)
            try await client.query("UPDATE sync_runs SET status = 'cancelled' WHERE org_id = \(org.rawValue)", logger: self.logger)
        }
    }

    @Test func aDueScheduleQueuesOneJobAndMovesOnAndAConnectionStillSyncingIsSkipped() async throws {
        try await self.withSchema { client in
            let org = OrgID.generate()
            let (due, busy) = (ConnectionID.generate(), ConnectionID.generate())
            for connection in [due, busy] {
                try await client.query(
                    """
                    INSERT INTO sync_schedules (connection_id, org_id, actor_id, schedule, enabled, mode, next_sync)
                    VALUES (\(connection.rawValue), \(org.rawValue), 'test', '*/5 * * * *', true, 'rules', now() - interval '1 minute')
                    """,
                    logger: self.logger
                )
            }
            let active = try await RunStore(client: client).create(
                orgID: org, connectionID: busy, actorID: "test", kind: .client, mode: "rules", force: false, staleMinutes: 30, logger: self.logger
            )
            let store = ScheduleStore(client: client)
            let queued = try await store.queueDue(logger: self.logger)
            let runs = try await RunStore(client: client).list(orgID: org, connectionID: due, status: .queued, limit: 10, offset: 0, logger: self.logger)
            #expect(runs.runs.map(\.id) == queued)
            #expect(runs.runs.first?.kind == .job)
            let busyRuns = try await RunStore(client: client).list(orgID: org, connectionID: busy, status: nil, limit: 10, offset: 0, logger: self.logger)
            #expect(busyRuns.runs.map(\.id) == [active.id])

            let schedules = try await store.list(orgID: org, logger: self.logger)
            #expect(schedules.count == 2)
            for schedule in schedules {
                #expect(schedule.lastSync != nil)
                #expect((schedule.nextSync ?? .distantPast) > Date())
            }
            #expect(try await store.queueDue(logger: self.logger).filter { queued.contains($0) }.isEmpty)
            try await client.query("UPDATE sync_runs SET status = 'cancelled' WHERE org_id = \(org.rawValue)", logger: self.logger)
            try await client.query("DELETE FROM sync_schedules WHERE org_id = \(org.rawValue)", logger: self.logger)
        }
    }
}
