import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// A row of `sync_runs`: a run, where it is, what it has counted.
struct RunRecord: Sendable {
    enum Kind: String, Sendable {
        /// Driven by a client calling `…/page` (the UI, the CLI).
        case client
        /// Driven by a worker inside sync-service (`POST /api/sync`, schedules).
        case job
    }

    var id: RunID
    var orgID: OrgID
    var connectionID: ConnectionID
    var actorID: String
    var kind: Kind
    var mode: String
    var syncMode: String
    var status: SyncRunStatus.State
    var stage: String
    var force: Bool
    var pageSize: Int?
    var totalItems: Int?
    var nextPage: Int
    var nextOffset: Int
    var nextCursor: String?
    var lastPageHash: String?
    var processedPages: Int
    var failedPages: Int
    var fetchedCount: Int
    var newCount: Int
    var adoptedCount: Int
    var duplicateCount: Int
    var errorCount: Int
    var watermarkFrom: String?
    var watermarkSeen: String?
    var message: String?
    var errorCode: String?
    var retryAfter: Int?
    var startedAt: Date
    var updatedAt: Date
    var completedAt: Date?

    static let columns = """
        id, org_id, connection_id, actor_id, kind, mode, sync_mode, status, stage, force, page_size, total_items, next_page,
        next_offset, next_cursor, last_page_hash, processed_pages, failed_pages, fetched_count, new_count, adopted_count, duplicate_count,
        error_count, watermark_from, watermark_seen, message, error_code, retry_after, started_at, updated_at, completed_at
        """

    init(_ row: PostgresRow) throws {
        let cells = row.makeRandomAccess()
        func text(_ name: String) throws -> String { try cells[name].decode(String.self, context: .default) }
        func optionalText(_ name: String) throws -> String? { try cells[name].decode(String?.self, context: .default) }
        func int(_ name: String) throws -> Int { try cells[name].decode(Int.self, context: .default) }
        func optionalInt(_ name: String) throws -> Int? { try cells[name].decode(Int?.self, context: .default) }
        guard let id = RunID(rawValue: try text("id")), let orgID = OrgID(rawValue: try text("org_id")),
            let connectionID = ConnectionID(rawValue: try text("connection_id")), let kind = Kind(rawValue: try text("kind")),
            let status = SyncRunStatus.State(rawValue: try text("status"))
        else { throw AppError(.internalServerError, code: "corrupt_run", message: "A sync run row could not be read.") }
        self.id = id
        self.orgID = orgID
        self.connectionID = connectionID
        self.actorID = try text("actor_id")
        self.kind = kind
        self.mode = try text("mode")
        self.syncMode = try text("sync_mode")
        self.status = status
        self.stage = try text("stage")
        self.force = try cells["force"].decode(Bool.self, context: .default)
        self.pageSize = try optionalInt("page_size")
        self.totalItems = try optionalInt("total_items")
        self.nextPage = try int("next_page")
        self.nextOffset = try int("next_offset")
        self.nextCursor = try optionalText("next_cursor")
        self.lastPageHash = try optionalText("last_page_hash")
        self.processedPages = try int("processed_pages")
        self.failedPages = try int("failed_pages")
        self.fetchedCount = try int("fetched_count")
        self.newCount = try int("new_count")
        self.adoptedCount = try int("adopted_count")
        self.duplicateCount = try int("duplicate_count")
        self.errorCount = try int("error_count")
        self.watermarkFrom = try optionalText("watermark_from")
        self.watermarkSeen = try optionalText("watermark_seen")
        self.message = try optionalText("message")
        self.errorCode = try optionalText("error_code")
        self.retryAfter = try optionalInt("retry_after")
        self.startedAt = try cells["started_at"].decode(Date.self, context: .default)
        self.updatedAt = try cells["updated_at"].decode(Date.self, context: .default)
        self.completedAt = try cells["completed_at"].decode(Date?.self, context: .default)
    }

    var totalPages: Int? {
        guard let total = self.totalItems, let size = self.pageSize, size > 0 else { return nil }
        return (total + size - 1) / size
    }

    func status(lastPage: SyncPageSummary? = nil) -> SyncRunStatus {
        SyncRunStatus(
            runId: self.id, connectionId: self.connectionID, status: self.status, mode: self.mode, syncMode: self.syncMode,
            totalItems: self.totalItems, totalPages: self.totalPages, processedPages: self.processedPages, failedPages: self.failedPages,
            fetchedCount: self.fetchedCount, newCount: self.newCount, adoptedCount: self.adoptedCount, duplicateCount: self.duplicateCount,
            errorCount: self.errorCount, message: self.message, startedAt: self.startedAt, completedAt: self.completedAt, lastPage: lastPage
        )
    }
}

extension SyncRunStatus: ResponseEncodable {}
