import Foundation
import SharedModels
import Testing

extension SyncRunStatus {
    static let fixtureConnection = ConnectionID(rawValue: "conn_01j00000000000000000000000")
    static let fixtureRun = RunID(rawValue: "run_01j00000000000000000000001")

    /// A run of `fixtureConnection` started at 2025-01-01T00:00:00Z; counts as given, the rest zero.
    static func fixture(
        _ state: State = .running, pages: Int = 0, of totalPages: Int? = nil, failedPages: Int = 0, totalItems: Int? = nil,
        new: Int = 0, adopted: Int = 0, duplicates: Int = 0, errors: Int = 0, message: String? = nil, completedAfter seconds: Double? = nil,
        lastPage: SyncPageSummary? = nil
    ) throws -> SyncRunStatus {
        let started = Date(timeIntervalSince1970: 1_735_689_600)
        return SyncRunStatus(
            runId: try #require(Self.fixtureRun), connectionId: try #require(Self.fixtureConnection), status: state, mode: "rules",
            syncMode: "full", totalItems: totalItems, totalPages: totalPages, processedPages: pages, failedPages: failedPages,
            fetchedCount: new + adopted + duplicates + errors, newCount: new, adoptedCount: adopted, duplicateCount: duplicates,
            errorCount: errors, message: message, startedAt: started, completedAt: seconds.map { started.addingTimeInterval($0) },
            lastPage: lastPage
        )
    }
}
