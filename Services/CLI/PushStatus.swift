import Foundation
import SharedModels

/// A push run's status as the gateway answers `POST …/push/run`, `…/push` and `…/status`: what the CLI reads of it.
struct PushRunStatus: Codable, Sendable, Equatable {
    struct Failure: Codable, Sendable, Equatable {
        var topicId: String
        var code: String
        var message: String
    }

    var runId: String
    var status: String
    var done: Bool
    var total: Int
    var pending: Int
    var pushed: Int
    var skipped: Int
    var failed: Int
    var awaitingReview: Int
    var processing: Int
    var errorCount: Int
    var plan: [String: Int]
    var errors: [Failure]

    /// One line: where the run stands.
    var line: String {
        let sent = self.pushed + self.awaitingReview + self.processing
        var parts = ["\(sent + self.skipped + self.failed)/\(self.total)", "pushed \(sent)", "skipped \(self.skipped)", "failed \(self.failed)"]
        if self.awaitingReview > 0 { parts.append("awaiting review \(self.awaitingReview)") }
        if self.processing > 0 { parts.append("processing \(self.processing)") }
        return parts.joined(separator: ", ")
    }
}
