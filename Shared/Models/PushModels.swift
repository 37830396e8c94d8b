/// Money as the API shows it: integer cents and an ISO 4217 currency, never a float.
public struct Money: Codable, Sendable, Equatable {
    public var cents: Int
    public var currency: String

    public init(cents: Int, currency: String) {
        self.cents = cents
        self.currency = currency
    }
}

/// A push run as `POST /api/connections/:id/push/run`, `…/push` and `…/status` answer it: counts by state, the
/// plan by action, and the stored errors (at most 500; `errorCount` counts every one).
public struct PushRunStatus: Codable, Sendable, Equatable {
    public struct ErrorEntry: Codable, Sendable, Equatable {
        public var position: Int
        public var topicId: String
        public var code: String
        public var message: String

        public init(position: Int, topicId: String, code: String, message: String) {
            self.position = position
            self.topicId = topicId
            self.code = code
            self.message = message
        }
    }

    /// What one push call did.
    public struct Batch: Codable, Sendable, Equatable {
        public var size: Int
        public var pushed: Int
        public var failed: Int

        public init(size: Int, pushed: Int, failed: Int) {
            self.size = size
            self.pushed = pushed
            self.failed = failed
        }
    }

    public var runId: String
    public var connectionId: String
    public var platform: String
    /// `running`, `completed`, `failed` or `cancelled`.
    public var status: String
    public var done: Bool
    public var total: Int
    public var pending: Int
    public var pushed: Int
    public var skipped: Int
    public var failed: Int
    /// Pushed, waiting for the platform's review (LiveRamp).
    public var awaitingReview: Int
    /// Uploaded, ingested asynchronously (Index Exchange).
    public var processing: Int
    public var errorCount: Int
    public var storedErrors: Int
    public var plan: [String: Int]
    public var errors: [ErrorEntry]
    public var batch: Batch?
    public var templateKey: String
    public var cpm: Money
    public var currency: String
    public var createdAt: String
    public var finishedAt: String?

    public init(
        runId: String, connectionId: String, platform: String, status: String, done: Bool, total: Int, pending: Int, pushed: Int, skipped: Int,
        failed: Int, awaitingReview: Int, processing: Int, errorCount: Int, plan: [String: Int], errors: [ErrorEntry], batch: Batch? = nil,
        templateKey: String, cpm: Money, createdAt: String, finishedAt: String?
    ) {
        self.runId = runId
        self.connectionId = connectionId
        self.platform = platform
        self.status = status
        self.done = done
        self.total = total
        self.pending = pending
        self.pushed = pushed
        self.skipped = skipped
        self.failed = failed
        self.awaitingReview = awaitingReview
        self.processing = processing
        self.errorCount = errorCount
        self.storedErrors = errors.count
        self.plan = plan
        self.errors = errors
        self.batch = batch
        self.templateKey = templateKey
        self.cpm = cpm
        self.currency = cpm.currency
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }
}
