import Synchronization

/// Counters for `GET /admin/stats`: tests use them to prove an incremental sync fetched only changed records.
final class TrafficStats: Sendable {
    struct Snapshot: Encodable, Sendable {
        /// Data requests that passed auth, including the ones a fault or the rate limit answered.
        var requests = 0
        /// Records in page responses that were served whole.
        var recordsServed = 0
        /// Requests per route path, e.g. "/v1/segments".
        var byRoute: [String: Int] = [:]

        private enum CodingKeys: String, CodingKey {
            case requests
            case recordsServed = "records_served"
            case byRoute = "by_route"
        }
    }

    private let state = Mutex(Snapshot())

    var snapshot: Snapshot {
        self.state.withLock { $0 }
    }

    func countRequest(route: String) {
        self.state.withLock { state in
            state.requests += 1
            state.byRoute[route, default: 0] += 1
        }
    }

    func countServed(_ records: Int) {
        self.state.withLock { $0.recordsServed += records }
    }

    func reset() {
        self.state.withLock { $0 = Snapshot() }
    }
}
