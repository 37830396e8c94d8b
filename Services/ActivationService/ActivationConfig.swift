import Configuration
import Connectors
import NIOCore
import ServiceKit

/// Keys: `ACTIVATION_PUSH_CONCURRENCY` (4: platform calls in flight at once within a batch),
/// `ACTIVATION_LEASE_SECONDS` (300: a claimed batch whose push never committed is taken again after this long),
/// `ACTIVATION_STALE_RUN_MINUTES` (30: a run with no push call for this long gives way to the connection's next run),
/// `ACTIVATION_PLATFORM_TIMEOUT_SECONDS` (30: per platform request), `ACTIVATION_RETRY_BASE_MILLISECONDS` (500),
/// `ACTIVATION_MAX_WAIT_SECONDS` (60: the longest Retry-After honoured).
struct ActivationConfig: Sendable {
    var service: ServiceConfig
    var pushConcurrency: Int
    var leaseSeconds: Int
    var staleRunMinutes: Int
    var platformTimeout: TimeAmount
    var retryPolicy: RetryPolicy

    init(reader: ConfigReader) throws {
        self.service = try ServiceConfig(service: .activation, reader: reader)
        self.pushConcurrency = min(max(1, reader.int(forKey: "activation.push.concurrency", default: 4)), 25)
        self.leaseSeconds = max(2, reader.int(forKey: "activation.lease.seconds", default: 300))
        self.staleRunMinutes = max(1, reader.int(forKey: "activation.stale.run.minutes", default: 30))
        self.platformTimeout = .seconds(Int64(max(1, reader.int(forKey: "activation.platform.timeout.seconds", default: 30))))
        self.retryPolicy = RetryPolicy(
            baseDelay: .milliseconds(max(1, reader.int(forKey: "activation.retry.base.milliseconds", default: 500))),
            maxWait: .seconds(max(1, reader.int(forKey: "activation.max.wait.seconds", default: 60)))
        )
    }
}
