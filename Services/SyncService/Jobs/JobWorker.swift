import Foundation
import Logging
import PostgresNIO
import ServiceKit
import ServiceLifecycle
import SharedModels
import Synchronization

/// Runs sync jobs inside this process: claims a queued job (or one whose process stopped renewing its lease)
/// with `FOR UPDATE SKIP LOCKED`, drives it step by step, and queues the jobs of due schedules. Several
/// processes can run this side by side; none runs a job another holds. On shutdown the page in flight commits,
/// then the lease is let go so another process resumes at once.
struct JobWorker: Service {
    let engine: RunEngine
    let schedules: ScheduleStore
    let workers: Int
    let pollInterval: Duration
    let leaseSeconds: Int
    let logger: Logger
    /// Yields once the schema's migrations have run; the worker waits for it before touching the tables.
    let ready: AsyncStream<Void>
    /// Names this process's leases.
    let owner = "sync-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"

    private var client: PostgresClient { self.engine.store.client }

    func run() async throws {
        let stopping = StopFlag()
        await withGracefulShutdownHandler {
            for await _ in self.ready { break }
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<self.workers { group.addTask { await self.claimLoop(stopping) } }
                group.addTask { await self.scheduleLoop(stopping) }
            }
        } onGracefulShutdown: {
            stopping.stop()
        }
    }

    private func claimLoop(_ stopping: StopFlag) async {
        while !stopping.isStopped {
            do {
                if let (id, orgID, actorID) = try await self.claim() {
                    await self.drive(id, orgID: orgID, actorID: actorID, stopping: stopping)
                    continue
                }
            } catch {
                self.logger.error("claiming a sync job failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            await stopping.sleep(self.pollInterval)
        }
    }

    private func scheduleLoop(_ stopping: StopFlag) async {
        while !stopping.isStopped {
            do {
                let queued = try await self.schedules.queueDue(logger: self.logger)
                for id in queued { self.logger.info("scheduled sync queued", metadata: ["run_id": "\(id)"]) }
            } catch {
                self.logger.error("queueing scheduled syncs failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            await stopping.sleep(self.pollInterval)
        }
    }

    func claim() async throws -> (RunID, OrgID, String)? {
        let rows = try await self.client.query(
            """
            UPDATE sync_runs SET status = 'running', lease_owner = \(self.owner), lease_until = now() + \(self.leaseSeconds) * interval '1 second',
                   updated_at = now()
            WHERE id = (SELECT id FROM sync_runs WHERE kind = 'job' AND (status = 'queued' OR (status = 'running' AND lease_until < now()))
                        ORDER BY started_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, org_id, actor_id
            """,
            logger: self.logger
        )
        for try await (id, org, actor) in rows.decode((String, String, String).self) {
            guard let id = RunID(rawValue: id), let orgID = OrgID(rawValue: org) else { return nil }
            return (id, orgID, actor)
        }
        return nil
    }

    /// Steps the job until it ends, it is cancelled, another process holds it, or this one stops. Trouble on our
    /// side (topics-service down) is retried with backoff; after 5 failures in a row the job fails as INTERNAL_ERROR.
    private func drive(_ id: RunID, orgID: OrgID, actorID: String, stopping: StopFlag) async {
        let logger = self.logger.with(run: id)
        let caller = Caller(orgID: orgID, actorID: actorID, actorType: .apiKey, role: .member, scopes: [.sync, .topicsWrite])
        let context = CallContext(requestID: RequestID.generate().rawValue, caller: caller)
        logger.info("sync job claimed", metadata: ["owner": "\(self.owner)"])
        var failures = 0
        while !stopping.isStopped {
            do {
                guard try await self.holdsLease(id) else { return }
                let status = try await self.engine.step(id, orgID: orgID, as: .job, context: context, logger: logger)
                failures = 0
                if status.done { return }
            } catch let error as AppError where error.code == "page_in_progress" {
                await stopping.sleep(.milliseconds(200))
            } catch {
                failures += 1
                logger.warning("sync job step failed", metadata: ["error": "\(error)", "failures": "\(failures)"])
                if failures >= 5 {
                    try? await self.failJob(id, message: "Sync stopped: \(error)")
                    return
                }
                await stopping.sleep(.seconds(1 << min(failures, 4)))
            }
        }
        _ = try? await self.client.query(
            "UPDATE sync_runs SET lease_until = now() WHERE id = \(id.rawValue) AND lease_owner = \(self.owner)", logger: logger
        )
        logger.info("sync job released for another process", metadata: ["owner": "\(self.owner)"])
    }

    private func holdsLease(_ id: RunID) async throws -> Bool {
        let rows = try await self.client.query(
            """
            UPDATE sync_runs SET lease_until = now() + \(self.leaseSeconds) * interval '1 second'
            WHERE id = \(id.rawValue) AND lease_owner = \(self.owner) AND status = 'running' RETURNING 1
            """,
            logger: self.logger
        )
        for try await _ in rows { return true }
        return false
    }

    private func failJob(_ id: RunID, message: String) async throws {
        try await self.client.query(
            """
            UPDATE sync_runs SET status = 'failed', stage = 'done', error_code = 'INTERNAL_ERROR', message = \(message), completed_at = now(),
                   updated_at = now()
            WHERE id = \(id.rawValue) AND status = 'running'
            """,
            logger: self.logger
        )
    }
}

/// Set once on graceful shutdown; sleeps end early when it is.
final class StopFlag: Sendable {
    private let stopped = Mutex<Bool>(false)

    var isStopped: Bool { self.stopped.withLock { $0 } }

    func stop() { self.stopped.withLock { $0 = true } }

    /// Sleeps up to `duration`, waking every 100 ms to see whether the process is stopping.
    func sleep(_ duration: Duration) async {
        let end = ContinuousClock.now + duration
        while !self.isStopped, ContinuousClock.now < end {
            try? await Task.sleep(for: min(.milliseconds(100), end - ContinuousClock.now))
        }
    }
}
