import Hummingbird
import SharedModels

/// `GET …/push/run/:runId/status`, and the answer of the calls that create and push a run.
struct PushStatus: Sendable, Encodable, ResponseEncodable {
    struct Counts: Sendable, Codable, Equatable {
        var pending: Int
        var pushed: Int
        var skipped: Int
        var failed: Int
        var awaitingReview: Int
        var processing: Int
    }

    struct ErrorEntry: Sendable, Codable, Equatable {
        var position: Int
        var topicId: String
        var code: String
        var message: String
    }

    /// What one push call did.
    struct Batch: Sendable, Encodable, Equatable {
        var size: Int
        var pushed: Int
        var failed: Int
    }

    var run: PushRun
    var counts: Counts
    var plan: [String: Int]
    var errors: [ErrorEntry]
    var batch: Batch?

    enum CodingKeys: String, CodingKey {
        case runId, connectionId, platform, status, done, total, pending, pushed, skipped, failed, awaitingReview, processing
        case errorCount, storedErrors, plan, errors, batch, templateKey, cpm, currency, createdAt, finishedAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.run.id, forKey: .runId)
        try container.encode(self.run.connectionID, forKey: .connectionId)
        try container.encode(self.run.platform, forKey: .platform)
        try container.encode(self.run.status, forKey: .status)
        try container.encode(!self.run.isRunning, forKey: .done)
        try container.encode(self.run.total, forKey: .total)
        try container.encode(self.counts.pending, forKey: .pending)
        try container.encode(self.counts.pushed, forKey: .pushed)
        try container.encode(self.counts.skipped, forKey: .skipped)
        try container.encode(self.counts.failed, forKey: .failed)
        try container.encode(self.counts.awaitingReview, forKey: .awaitingReview)
        try container.encode(self.counts.processing, forKey: .processing)
        try container.encode(self.run.errorCount, forKey: .errorCount)
        try container.encode(self.errors.count, forKey: .storedErrors)
        try container.encode(self.plan, forKey: .plan)
        try container.encode(self.errors, forKey: .errors)
        try container.encodeIfPresent(self.batch, forKey: .batch)
        try container.encode(self.run.templateKey, forKey: .templateKey)
        try container.encode(Money(cents: self.run.cpmCents, currency: self.run.currency), forKey: .cpm)
        try container.encode(self.run.currency, forKey: .currency)
        try container.encode(self.run.createdAt, forKey: .createdAt)
        try container.encode(self.run.finishedAt, forKey: .finishedAt)
    }
}

/// Money as the API shows it: integer cents and the currency, never a float.
struct Money: Sendable, Codable, Equatable {
    var cents: Int
    var currency: String
}
