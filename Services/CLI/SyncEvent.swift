import SharedModels

/// What the loop driving a run tells the progress display.
enum SyncEvent: Sendable, Equatable {
    /// `--follow` found this run active on the connection and drives it instead of starting one.
    case following(RunID)
    /// The latest state of the run, from any call.
    case status(SyncRunStatus)
    /// A page call failed with `reason` and is sent again, for the `attempt`th time of `limit`.
    case retrying(attempt: Int, limit: Int, reason: String)
}
