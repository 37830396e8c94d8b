/// At most `limit` operations at once; the others wait their turn in order.
actor ConcurrencyLimit {
    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ limit: Int) {
        self.limit = limit
    }

    func run<T: Sendable>(_ operation: @Sendable () async throws -> T) async rethrows -> T {
        await self.acquire()
        defer { self.release() }
        return try await operation()
    }

    private func acquire() async {
        if self.running < self.limit {
            self.running += 1
            return
        }
        await withCheckedContinuation { self.waiting.append($0) }
    }

    private func release() {
        if self.waiting.isEmpty {
            self.running -= 1
        } else {
            self.waiting.removeFirst().resume()
        }
    }
}
