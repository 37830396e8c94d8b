import Foundation
import Synchronization

/// The current fault set with its attempt counters, and the rate-limit window.
final class FaultBoard: Sendable {
    /// Identifies "the same page" for counting attempts, so concurrent prefetching clients see the same outcome.
    struct PageKey: Hashable, Sendable {
        let route: String
        let page: Int
        let updatedSince: String?
    }

    struct RateLimitStatus: Sendable {
        let limit: Int
        let remaining: Int
        let resetSeconds: Int
        let allowed: Bool
    }

    private struct AttemptKey: Hashable {
        let fault: Int
        let page: PageKey
    }

    private struct State {
        var set = FaultSet()
        var attempts: [AttemptKey: Int] = [:]
        var windowSecond: Int64 = 0
        var windowUsed = 0
    }

    private let state = Mutex(State())

    var current: FaultSet {
        self.state.withLock { $0.set }
    }

    /// Replacing the set restarts every attempt count and the rate-limit window.
    func replace(with set: FaultSet) {
        self.state.withLock { $0 = State(set: set) }
    }

    /// The fault this request for `key` gets, counting it as an attempt. Faults are tried in order, so a page with a
    /// `status` then a `malformed` fault of times 1 answers 500, then a truncated body, then normally.
    func pageFault(for key: PageKey) -> Fault? {
        self.state.withLock { state in
            for (position, fault) in state.set.faults.enumerated() where fault.kind != .nameless && fault.applies(toPage: key.page) {
                if fault.attempts >= Fault.alwaysTimes { return fault }
                let attemptKey = AttemptKey(fault: position, page: key)
                let used = state.attempts[attemptKey, default: 0]
                if used < fault.attempts {
                    state.attempts[attemptKey] = used + 1
                    return fault
                }
            }
            return nil
        }
    }

    /// The `every` of the first nameless fault, if one is set.
    var namelessEvery: Int? {
        self.state.withLock { state in state.set.faults.first { $0.kind == .nameless }?.every }
    }

    /// Counts one data request against the per-second limit; nil when no limit is set. Windows are whole clock seconds.
    func admit(now: Date) -> RateLimitStatus? {
        self.state.withLock { state in
            guard let limit = state.set.rateLimitPerSecond else { return nil }
            let second = Int64(now.timeIntervalSince1970.rounded(.down))
            if second != state.windowSecond {
                state.windowSecond = second
                state.windowUsed = 0
            }
            let allowed = state.windowUsed < limit
            if allowed { state.windowUsed += 1 }
            return RateLimitStatus(limit: limit, remaining: limit - state.windowUsed, resetSeconds: 1, allowed: allowed)
        }
    }
}
