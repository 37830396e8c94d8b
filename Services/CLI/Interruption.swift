import Synchronization

/// How often Ctrl-C was pressed: written by the signal handler, read by the loop that drives a run.
final class Interruption: Sendable {
    private let presses = Atomic(0)

    /// Counts one press and returns how many there have been.
    func press() -> Int {
        self.presses.add(1, ordering: .relaxed).newValue
    }

    var isRequested: Bool { self.presses.load(ordering: .relaxed) > 0 }
}
