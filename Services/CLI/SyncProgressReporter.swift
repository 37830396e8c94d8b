import SharedModels
import Synchronization

/// Shows a run's progress: on a terminal one line redrawn in place, otherwise plain lines a log can keep.
final class SyncProgressReporter: Sendable {
    private struct State {
        /// When the first status arrived, and the records it had processed: the rate counts from there.
        var pickedUp: ContinuousClock.Instant?
        var baseline = 0
        var lastLogLine: ContinuousClock.Instant?
        /// The progress line on screen, drawn again below a note.
        var drawn: String?
        var latest: SyncRunStatus?
    }

    private static let clearLine = "\r\u{1B}[2K"

    private let isTerminal: Bool
    private let width: @Sendable () -> Int
    private let write: @Sendable (String) -> Void
    private let state = Mutex(State())

    init(isTerminal: Bool, width: @escaping @Sendable () -> Int, write: @escaping @Sendable (String) -> Void) {
        self.isTerminal = isTerminal
        self.width = width
        self.write = write
    }

    func handle(_ event: SyncEvent) {
        switch event {
        case .following(let run):
            self.note("following \(run), which was already running on this connection")
        case .retrying(let attempt, let limit, let reason):
            self.note("page call failed (\(reason)); retry \(attempt) of \(limit)")
        case .status(let status):
            if let page = status.lastPage, page.failed {
                self.note("page \(page.pageNumber) failed: \(page.error ?? "no reason given")")
            }
            self.show(status)
        }
    }

    /// A line of its own, above the progress line on a terminal.
    func note(_ text: String) {
        self.state.withLock { state in
            if self.isTerminal, let drawn = state.drawn {
                self.write(Self.clearLine + text + "\n" + drawn)
            } else {
                self.write(text + "\n")
            }
        }
    }

    /// Leaves the last progress line on screen and moves below it.
    func finish() {
        self.state.withLock { state in
            guard self.isTerminal, state.drawn != nil else { return }
            self.write("\n")
            state.drawn = nil
        }
    }

    /// Quitting without waiting for the cancel: moves below the progress line and says what may be left running.
    func abandon() {
        self.state.withLock { state in
            if self.isTerminal, state.drawn != nil { self.write("\n") }
            state.drawn = nil
            guard let status = state.latest, !status.done else { return }
            let left = SyncError.stoppedDriving(status.runId, connection: status.connectionId, cause: "Quit at the second Ctrl-C")
            self.write("\(left)\n")
        }
    }

    private func show(_ status: SyncRunStatus) {
        self.state.withLock { state in
            state.latest = status
            let now = ContinuousClock.now
            let pickedUp = state.pickedUp ?? now
            if state.pickedUp == nil {
                state.pickedUp = now
                state.baseline = status.processedCount
            }
            let progress = SyncProgress(status: status, elapsed: Self.seconds(now - pickedUp), baseline: state.baseline)
            if self.isTerminal {
                let line = progress.line(width: self.width(), isTTY: true)
                state.drawn = line
                self.write(Self.clearLine + line)
            } else if SyncProgress.shouldLog(secondsSinceLastLine: state.lastLogLine.map { Self.seconds(now - $0) }, isFinal: status.done) {
                state.lastLogLine = now
                self.write(progress.line(width: 0, isTTY: false) + "\n")
            }
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
