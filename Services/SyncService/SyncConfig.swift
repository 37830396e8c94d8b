import Configuration
import Connectors
import Logging
import ServiceKit

/// Keys: `SYNC_PREFETCH_PAGES` (3: offset pages fetched ahead while earlier ones are ingested),
/// `SYNC_LEASE_SECONDS` (30: how long a job's process may go silent before another takes the job over),
/// `SYNC_POLL_MILLISECONDS` (1000: how often idle workers look for jobs and due schedules), `SYNC_WORKERS` (2: jobs
/// one process runs at once), `SYNC_STALE_RUN_MINUTES` (30: a client run with no page call for this long is
/// abandoned), `SYNC_MAX_WAIT_SECONDS` (60: the longest Retry-After honoured), `SYNC_RETRY_BASE_MILLISECONDS` (500).
struct SyncConfig: Sendable {
    var service: ServiceConfig
    var prefetchPages: Int
    var leaseSeconds: Int
    var pollMilliseconds: Int
    var workers: Int
    var staleRunMinutes: Int
    var retryPolicy: RetryPolicy

    init(reader: ConfigReader) throws {
        self.service = try ServiceConfig(service: .sync, reader: reader)
        self.prefetchPages = min(max(0, reader.int(forKey: "sync.prefetch.pages", default: 3)), 16)
        self.leaseSeconds = max(2, reader.int(forKey: "sync.lease.seconds", default: 30))
        self.pollMilliseconds = max(50, reader.int(forKey: "sync.poll.milliseconds", default: 1000))
        self.workers = max(1, reader.int(forKey: "sync.workers", default: 2))
        self.staleRunMinutes = max(1, reader.int(forKey: "sync.stale.run.minutes", default: 30))
        self.retryPolicy = RetryPolicy(
            baseDelay: .milliseconds(max(1, reader.int(forKey: "sync.retry.base.milliseconds", default: 500))),
            maxWait: .seconds(max(1, reader.int(forKey: "sync.max.wait.seconds", default: 60)))
        )
    }
}
