import Foundation
import Hummingbird
import Logging
import SharedModels

/// A run as the job API (`/api/sync/*`, the sync-jobs seed) shows it, in that seed's snake_case words: its
/// "channel" is our connection, its "messages" our records.
struct JobStatus: ResponseEncodable {
    struct Progress: Encodable {
        var totalMessages: Int?
        var processedMessages: Int
        var failingMessages: Int
        var percentage: Int?
        var totalPages: Int?
        var processedPages: Int
        var failedPages: Int
        var new: Int
        var adopted: Int
        var duplicates: Int
        var errors: Int

        enum CodingKeys: String, CodingKey {
            case totalMessages = "total_messages", processedMessages = "processed_messages", failingMessages = "failing_messages"
            case percentage, totalPages = "total_pages", processedPages = "processed_pages", failedPages = "failed_pages"
            case new, adopted, duplicates, errors
        }
    }

    struct Failure: Encodable {
        var code: String
        var message: String
        var details: [String: Int]?
    }

    var jobID: RunID
    var channelID: ConnectionID
    var status: SyncRunStatus.State
    var mode: String
    var progress: Progress
    var startedAt: Date
    var completedAt: Date?
    var estimatedCompletion: Date?
    var currentStage: String
    var message: String?
    var error: Failure?

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", channelID = "channel_id", connectionID = "connection_id", status, mode, progress, startedAt = "started_at"
        case completedAt = "completed_at", estimatedCompletion = "estimated_completion", currentStage = "current_stage", message, error
    }

    init(_ run: RunRecord, liveStage: String?, now: Date = Date()) {
        let status = run.status()
        self.jobID = run.id
        self.channelID = run.connectionID
        self.status = run.status
        self.mode = run.mode
        var percentage: Int?
        if let total = run.totalItems {
            percentage = total == 0 ? 100 : min(100, run.fetchedCount * 100 / total)
        }
        if run.status == .completed { percentage = 100 }
        self.progress = Progress(
            totalMessages: run.totalItems, processedMessages: status.processedCount, failingMessages: run.errorCount, percentage: percentage,
            totalPages: run.totalPages, processedPages: run.processedPages, failedPages: run.failedPages, new: run.newCount,
            adopted: run.adoptedCount, duplicates: run.duplicateCount, errors: run.errorCount
        )
        self.startedAt = run.startedAt
        self.completedAt = run.completedAt
        if run.status == .running, let total = run.totalItems, run.fetchedCount > 0, run.fetchedCount < total {
            let elapsed = now.timeIntervalSince(run.startedAt)
            self.estimatedCompletion = run.startedAt.addingTimeInterval(elapsed * Double(total) / Double(run.fetchedCount))
        }
        self.currentStage = run.status.isFinal ? "done" : run.status == .queued ? "queued" : liveStage ?? run.stage
        self.message = run.message
        if let code = run.errorCode {
            self.error = Failure(code: code, message: run.message ?? code, details: run.retryAfter.map { ["retry_after": $0] })
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.jobID, forKey: .jobID)
        try container.encode(self.channelID, forKey: .channelID)
        try container.encode(self.channelID, forKey: .connectionID)
        try container.encode(self.status, forKey: .status)
        try container.encode(self.mode, forKey: .mode)
        try container.encode(self.progress, forKey: .progress)
        try container.encode(self.startedAt, forKey: .startedAt)
        try container.encode(self.completedAt, forKey: .completedAt)
        try container.encode(self.estimatedCompletion, forKey: .estimatedCompletion)
        try container.encode(self.currentStage, forKey: .currentStage)
        try container.encode(self.message, forKey: .message)
        try container.encode(self.error, forKey: .error)
    }
}

/// A line of `GET /api/sync/history`.
struct JobHistoryEntry: Encodable {
    var jobID: RunID
    var channelID: ConnectionID
    var status: SyncRunStatus.State
    var mode: String
    var startedAt: Date
    var completedAt: Date?
    var durationSeconds: Double?
    var messagesSynced: Int
    var new: Int
    var adopted: Int
    var duplicates: Int
    var errors: Int
    var error: String?

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", channelID = "channel_id", status, mode, startedAt = "started_at", completedAt = "completed_at"
        case durationSeconds = "duration_seconds", messagesSynced = "messages_synced", new, adopted, duplicates, errors, error
    }

    init(_ run: RunRecord) {
        self.jobID = run.id
        self.channelID = run.connectionID
        self.status = run.status
        self.mode = run.mode
        self.startedAt = run.startedAt
        self.completedAt = run.completedAt
        self.durationSeconds = run.completedAt.map { ($0.timeIntervalSince(run.startedAt) * 10).rounded() / 10 }
        self.messagesSynced = run.status().processedCount
        self.new = run.newCount
        self.adopted = run.adoptedCount
        self.duplicates = run.duplicateCount
        self.errors = run.errorCount
        self.error = run.errorCode.map { "\($0): \(run.message ?? "")" }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.jobID, forKey: .jobID)
        try container.encode(self.channelID, forKey: .channelID)
        try container.encode(self.status, forKey: .status)
        try container.encode(self.mode, forKey: .mode)
        try container.encode(self.startedAt, forKey: .startedAt)
        try container.encode(self.completedAt, forKey: .completedAt)
        try container.encode(self.durationSeconds, forKey: .durationSeconds)
        try container.encode(self.messagesSynced, forKey: .messagesSynced)
        try container.encode(self.new, forKey: .new)
        try container.encode(self.adopted, forKey: .adopted)
        try container.encode(self.duplicates, forKey: .duplicates)
        try container.encode(self.errors, forKey: .errors)
        try container.encode(self.error, forKey: .error)
    }
}
