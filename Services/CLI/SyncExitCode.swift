import SharedModels

enum SyncExitCode {
    /// 0 when the run completed, 130 (the shell's code for SIGINT) when Ctrl-C here stopped it, 1 otherwise:
    /// failed, cancelled by someone else, or left unfinished.
    static func code(for state: SyncRunStatus.State, interrupted: Bool) -> Int32 {
        if state == .completed { return 0 }
        return interrupted && state != .failed ? 130 : 1
    }
}
