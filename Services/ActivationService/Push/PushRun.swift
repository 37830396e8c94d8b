import Foundation
import ServiceKit
import SharedModels

/// A push run's row, as Postgres renders it (`PushRun.json`).
struct PushRun: Sendable, Codable, Equatable {
    var id: String
    var orgID: String
    var connectionID: String
    var platform: String
    var status: String
    var templateKey: String
    var cpmCents: Int
    var currency: String
    var total: Int
    var errorCount: Int
    var createdAt: String
    var finishedAt: String?

    var isRunning: Bool { self.status == "running" }

    enum CodingKeys: String, CodingKey {
        case id, orgID = "org_id", connectionID = "connection_id", platform, status, templateKey = "template_key", cpmCents = "cpm_cents"
        case currency, total, errorCount = "error_count", createdAt = "created_at", finishedAt = "finished_at"
    }

    /// A row `r` of push_runs as this type's JSON.
    static let json = """
        json_build_object(
            'id', r.id, 'org_id', r.org_id, 'connection_id', r.connection_id, 'platform', r.platform, 'status', r.status,
            'template_key', r.template_key, 'cpm_cents', r.cpm_cents, 'currency', r.currency, 'total', r.total, 'error_count', r.error_count,
            'created_at', \(SQLTimestamp.iso("r.created_at")),
            'finished_at', \(SQLTimestamp.iso("r.finished_at"))
        )::text
        """
}

/// An item of a run, claimed by one push call.
struct ClaimedItem: Sendable, Codable, Equatable {
    var position: Int
    var topicID: String
    var action: PushAction
    var name: String
    var description: String
    var engineVersion: String
    var platformSegmentID: String?
    /// More than 1 when an earlier claim never committed: a create must then ask the platform before creating.
    var attempts: Int

    enum CodingKeys: String, CodingKey {
        case position, topicID = "topic_id", action, name, description, engineVersion = "engine_version"
        case platformSegmentID = "platform_segment_id", attempts
    }
}

/// What became of one claimed item.
struct ItemOutcome: Sendable, Equatable {
    enum State: String, Sendable {
        case pushed, failed
        case pendingReview = "pending_review"
        case processing
    }

    var item: ClaimedItem
    var state: State
    var platformSegmentID: String?
    var failure: ItemFailure?

    static func done(_ item: ClaimedItem, id: String?, segment: SegmentState) -> ItemOutcome {
        let state: State = switch segment {
        case .active: .pushed
        case .pendingReview: .pendingReview
        case .processing: .processing
        }
        return ItemOutcome(item: item, state: item.action == .deactivate ? .pushed : state, platformSegmentID: id ?? item.platformSegmentID)
    }

    static func failed(_ item: ClaimedItem, _ error: any Error) -> ItemOutcome {
        let failure = (error as? PlatformError).map { ItemFailure(code: $0.code, message: $0.message) }
            ?? ItemFailure(code: "push_failed", message: "The push failed unexpectedly.")
        return ItemOutcome(item: item, state: .failed, platformSegmentID: item.platformSegmentID, failure: failure)
    }
}
