import Foundation

/// The state of a sync run, as `POST /api/connections/:id/sync/run`, `…/page`, `…/status` and `…/cancel` answer it
/// (camelCase, as the connections seed prints it). Invariant: `processedCount = newCount + duplicateCount +
/// adoptedCount + errorCount`.
public struct SyncRunStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case queued, running, completed, failed, cancelled

        public var isFinal: Bool { self == .completed || self == .failed || self == .cancelled }
    }

    public var runId: RunID
    public var connectionId: ConnectionID
    public var status: State
    /// `rules` or `ai`.
    public var mode: String
    /// `full` or `incremental`.
    public var syncMode: String
    /// What the count endpoint (or the first page) said; nil when the API gives no total.
    public var totalItems: Int?
    public var totalPages: Int?
    public var processedPages: Int
    public var failedPages: Int
    public var fetchedCount: Int
    public var processedCount: Int
    /// New plus adopted: records that added a topic to the library.
    public var successCount: Int
    public var newCount: Int
    public var adoptedCount: Int
    public var duplicateCount: Int
    public var errorCount: Int
    /// Why the run ended, a count mismatch, or why it failed, in words a person can act on.
    public var message: String?
    public var startedAt: Date
    public var completedAt: Date?
    /// Set on the answer of `…/page`: what that call did.
    public var lastPage: SyncPageSummary?

    public init(
        runId: RunID, connectionId: ConnectionID, status: State, mode: String, syncMode: String, totalItems: Int?, totalPages: Int?,
        processedPages: Int, failedPages: Int, fetchedCount: Int, newCount: Int, adoptedCount: Int, duplicateCount: Int, errorCount: Int,
        message: String?, startedAt: Date, completedAt: Date?, lastPage: SyncPageSummary? = nil
    ) {
        self.runId = runId
        self.connectionId = connectionId
        self.status = status
        self.mode = mode
        self.syncMode = syncMode
        self.totalItems = totalItems
        self.totalPages = totalPages
        self.processedPages = processedPages
        self.failedPages = failedPages
        self.fetchedCount = fetchedCount
        self.processedCount = newCount + adoptedCount + duplicateCount + errorCount
        self.successCount = newCount + adoptedCount
        self.newCount = newCount
        self.adoptedCount = adoptedCount
        self.duplicateCount = duplicateCount
        self.errorCount = errorCount
        self.message = message
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.lastPage = lastPage
    }

    /// True once the run has ended: no further page call will do anything.
    public var done: Bool { self.status.isFinal }
}

/// What one `…/page` call did.
public struct SyncPageSummary: Codable, Sendable, Equatable {
    public var pageNumber: Int
    public var records: Int
    public var new: Int
    public var adopted: Int
    public var duplicates: Int
    public var errors: Int
    /// The page could not be fetched after every try; `error` says why.
    public var failed: Bool
    public var error: String?

    public init(pageNumber: Int, records: Int, new: Int, adopted: Int, duplicates: Int, errors: Int, failed: Bool, error: String?) {
        self.pageNumber = pageNumber
        self.records = records
        self.new = new
        self.adopted = adopted
        self.duplicates = duplicates
        self.errors = errors
        self.failed = failed
        self.error = error
    }
}
