@testable import CLI
import SharedModels

/// Answers the sync routes from a script and records the calls it got, in order.
actor FakeSyncClient: SyncClient {
    private var start: Result<SyncRunStatus, GatewayError>
    private var running: SyncRunStatus?
    private var pages: [Result<SyncRunStatus, GatewayError>]
    private var cancelled: SyncRunStatus?
    private var statuses: [SyncRunStatus]
    private let onPage: @Sendable (Int) -> Void
    private(set) var calls: [String] = []

    /// `onPage` runs inside each page call with its number from 1, as a second caller or a Ctrl-C would.
    init(
        start: Result<SyncRunStatus, GatewayError>, running: SyncRunStatus? = nil, pages: [Result<SyncRunStatus, GatewayError>] = [],
        cancelled: SyncRunStatus? = nil, statuses: [SyncRunStatus] = [], onPage: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.start = start
        self.running = running
        self.pages = pages
        self.cancelled = cancelled
        self.statuses = statuses
        self.onPage = onPage
    }

    func startRun(connection: ConnectionID, mode: SyncMode) async throws -> SyncRunStatus {
        self.calls.append("start \(mode.rawValue)")
        return try self.start.get()
    }

    func processPage(connection: ConnectionID, run: RunID) async throws -> SyncRunStatus {
        self.calls.append("page")
        self.onPage(self.calls.count(where: { $0 == "page" }))
        guard !self.pages.isEmpty else { throw GatewayError.malformed("the script has no page answer left") }
        return try self.pages.removeFirst().get()
    }

    func runStatus(connection: ConnectionID, run: RunID) async throws -> SyncRunStatus {
        self.calls.append("status \(run)")
        guard !self.statuses.isEmpty else { throw GatewayError.malformed("the script has no status answer left") }
        return self.statuses.removeFirst()
    }

    func cancelRun(connection: ConnectionID, run: RunID) async throws -> SyncRunStatus {
        self.calls.append("cancel")
        guard let cancelled = self.cancelled else { throw GatewayError.malformed("the script has no cancel answer") }
        return cancelled
    }

    func runningRun(connection: ConnectionID) async throws -> SyncRunStatus? {
        self.calls.append("list running")
        return self.running
    }
}
