import SharedModels

/// The sync routes of the public API, as the CLI drives a run (`GatewayClient+Sync.swift`; a fake in the tests).
protocol SyncClient: Sendable {
    /// `POST /api/connections/{id}/sync/run`: a new run, `running`, or already `completed` when there was nothing to do.
    func startRun(connection: ConnectionID, mode: SyncMode) async throws -> SyncRunStatus
    /// `POST …/run/{runId}/page`: processes the next page; `lastPage` says what this call did.
    func processPage(connection: ConnectionID, run: RunID) async throws -> SyncRunStatus
    func runStatus(connection: ConnectionID, run: RunID) async throws -> SyncRunStatus
    /// Graceful: a page in flight still completes.
    func cancelRun(connection: ConnectionID, run: RunID) async throws -> SyncRunStatus
    /// The newest `running` run of the connection, if any.
    func runningRun(connection: ConnectionID) async throws -> SyncRunStatus?
}
