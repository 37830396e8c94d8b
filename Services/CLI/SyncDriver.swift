import SharedModels

/// Drives a run the way the web UI does: start it (or pick up the active one), call `…/page` until the run is final,
/// and on Ctrl-C stop calling pages and cancel it.
struct SyncDriver<Client: SyncClient>: Sendable {
    let client: Client
    let interruption: Interruption
    var report: @Sendable (SyncEvent) -> Void = { _ in }
    var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    static var pageRetries: Int { 3 }
    static var busyWait: Duration { .milliseconds(200) }
    static var cancelPoll: Duration { .milliseconds(500) }
    static var cancelPollLimit: Int { 60 }

    func run(connection: ConnectionID, mode: SyncMode, follow: Bool) async throws -> SyncRunStatus {
        var status = try await self.begin(connection: connection, mode: mode, follow: follow)
        self.report(.status(status))
        while !status.done, !self.interruption.isRequested {
            let next: SyncRunStatus?
            do {
                next = try await self.nextPage(of: status)
            } catch let error as GatewayError {
                throw SyncError.stoppedDriving(status.runId, connection: connection, cause: error.description)
            }
            guard let next else { break }
            status = next
            self.report(.status(status))
        }
        if !status.done, self.interruption.isRequested {
            status = try await self.cancel(status)
        }
        return status
    }

    private func begin(connection: ConnectionID, mode: SyncMode, follow: Bool) async throws -> SyncRunStatus {
        if follow, let running = try await self.client.runningRun(connection: connection) {
            self.report(.following(running.runId))
            return running
        }
        do {
            return try await self.client.startRun(connection: connection, mode: mode)
        } catch let error as GatewayError where error.code == "sync_in_progress" {
            let runId = error.detail("runId")
            guard follow else { throw SyncError.alreadyRunning(connection, run: runId) }
            // Begun since the look-up above, or queued (which the look-up does not list): follow the run the 409 names.
            guard let run = runId.flatMap(RunID.init(rawValue:)) else { throw error }
            self.report(.following(run))
            return try await self.client.runStatus(connection: connection, run: run)
        }
    }

    /// The answer of the next page call, or nil when Ctrl-C came while waiting to make it.
    private func nextPage(of status: SyncRunStatus) async throws -> SyncRunStatus? {
        var failures = 0
        while true {
            do {
                return try await self.client.processPage(connection: status.connectionId, run: status.runId)
            } catch let error as GatewayError where error.code == "page_in_progress" {
                // Another caller is processing a page of this run; its effect shows in our next answer.
                try await self.sleep(Self.busyWait)
                if self.interruption.isRequested { return nil }
            } catch let error as GatewayError where error.isTransient && failures < Self.pageRetries {
                // The server processes a page once however often it is asked, so sending the call again is safe.
                failures += 1
                self.report(.retrying(attempt: failures, limit: Self.pageRetries, reason: error.description))
                try await self.sleep(.milliseconds(500 << (failures - 1)))
                if self.interruption.isRequested { return nil }
            }
        }
    }

    /// Cancels the run and waits for it to settle: a page another caller has in flight still completes.
    private func cancel(_ status: SyncRunStatus) async throws -> SyncRunStatus {
        var status = try await self.client.cancelRun(connection: status.connectionId, run: status.runId)
        self.report(.status(status))
        var polls = 0
        while !status.done, polls < Self.cancelPollLimit {
            polls += 1
            try await self.sleep(Self.cancelPoll)
            status = try await self.client.runStatus(connection: status.connectionId, run: status.runId)
            self.report(.status(status))
        }
        return status
    }
}
