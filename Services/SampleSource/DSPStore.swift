import Synchronization

/// The segments pushed to the imitated custom REST DSP under `/dsp`, in memory: ids are `dsp-<run>-1`,
/// `dsp-<run>-2`, … in creation order, `<run>` new at every start, so an id from before a restart is unknown (404)
/// instead of naming another segment, and a deactivated segment stays, `inactive`, until an update makes it active again.
final class DSPStore: Sendable {
    struct Segment: Encodable, Sendable, Equatable {
        let id: String
        var externalID: String?
        var name: String
        var description: String
        var price: Double?
        var currency: String?
        var dataSourceLocation: String?
        var status: String

        private enum CodingKeys: String, CodingKey {
            case id, name, description, price, currency, status
            case externalID = "external_id"
            case dataSourceLocation = "data_source_location"
        }
    }

    /// What `POST /segments` sends.
    struct NewSegment: Sendable {
        var externalID: String?
        var name: String
        var description: String
        var price: Double?
        var currency: String?
        var dataSourceLocation: String?
    }

    /// What `PUT /segments/:id` sends; nil leaves a field as it is.
    struct Change: Sendable {
        var name: String?
        var description: String?
        var price: Double?
        var currency: String?
    }

    /// `GET /admin/dsp`.
    struct Counts: Encodable, Sendable, Equatable {
        let segments: Int
        let active: Int
        let inactive: Int
    }

    private struct State {
        var segments: [Int: Segment] = [:]
        /// Segment numbers by external id, in creation order, for `GET /segments?external_id=`.
        var byExternalID: [String: [Int]] = [:]
        var nextNumber = 1
    }

    private let state = Mutex(State())
    /// The id prefix of this process's segments.
    let prefix = "dsp-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))-"

    func create(_ new: NewSegment) -> Segment {
        self.state.withLock { state in
            let number = state.nextNumber
            state.nextNumber += 1
            let segment = Segment(
                id: "\(self.prefix)\(number)", externalID: new.externalID, name: new.name, description: new.description, price: new.price,
                currency: new.currency, dataSourceLocation: new.dataSourceLocation, status: "active"
            )
            state.segments[number] = segment
            if let key = new.externalID { state.byExternalID[key, default: []].append(number) }
            return segment
        }
    }

    /// Applies the change and makes the segment active; nil when there is no such segment.
    func update(_ id: String, _ change: Change) -> Segment? {
        guard let number = self.number(id) else { return nil }
        return self.state.withLock { state in
            guard var segment = state.segments[number] else { return nil }
            segment.name = change.name ?? segment.name
            segment.description = change.description ?? segment.description
            segment.price = change.price ?? segment.price
            segment.currency = change.currency ?? segment.currency
            segment.status = "active"
            state.segments[number] = segment
            return segment
        }
    }

    /// Marks the segment inactive; nil when there is no such segment.
    func deactivate(_ id: String) -> Segment? {
        guard let number = self.number(id) else { return nil }
        return self.state.withLock { state in
            state.segments[number]?.status = "inactive"
            return state.segments[number]
        }
    }

    func segment(_ id: String) -> Segment? {
        guard let number = self.number(id) else { return nil }
        return self.state.withLock { $0.segments[number] }
    }

    /// The segments created with this external id, or every segment when it is nil, in creation order.
    func find(externalID: String?) -> [Segment] {
        self.state.withLock { state in
            let numbers = externalID.map { state.byExternalID[$0] ?? [] } ?? state.segments.keys.sorted()
            return numbers.compactMap { state.segments[$0] }
        }
    }

    var counts: Counts {
        self.state.withLock { state in
            let active = state.segments.values.filter { $0.status == "active" }.count
            return Counts(segments: state.segments.count, active: active, inactive: state.segments.count - active)
        }
    }

    /// Forgets the segments whose external id starts with `prefix` (every segment when it is empty), so a benchmark
    /// can leave the store as it found it.
    func remove(externalIDPrefix prefix: String) {
        self.state.withLock { state in
            let gone = state.segments.filter { prefix.isEmpty || ($0.value.externalID ?? "").hasPrefix(prefix) }
            for (number, segment) in gone {
                state.segments[number] = nil
                if let key = segment.externalID {
                    state.byExternalID[key]?.removeAll { $0 == number }
                    if state.byExternalID[key]?.isEmpty == true { state.byExternalID[key] = nil }
                }
            }
        }
    }

    private func number(_ id: String) -> Int? {
        guard id.hasPrefix(self.prefix) else { return nil }
        return Int(id.dropFirst(self.prefix.count))
    }
}
