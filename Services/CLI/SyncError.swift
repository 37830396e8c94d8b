import SharedModels

/// Why `audiencehub sync` could not drive a run.
enum SyncError: Error, Equatable, CustomStringConvertible {
    case alreadyRunning(ConnectionID, run: String?)
    /// A page call failed for good; the run itself may still be active on the server.
    case stoppedDriving(RunID, connection: ConnectionID, cause: String)

    var description: String {
        switch self {
        case .alreadyRunning(let connection, let run):
            "\(connection) already has a sync running\(run.map { " (\($0))" } ?? ""). "
                + "Run again with --follow to drive that run from here, or wait for it to finish."
        case .stoppedDriving(let run, let connection, let cause):
            "\(cause). \(run) may still be running: `audiencehub sync --connection \(connection) --follow` picks it up again."
        }
    }
}
