
/// Sends one claimed batch to a platform and says what became of each item. Segments go one call each, a few at a
/// time; a platform that takes files gets the batch as one upload, bisected when the platform rejects the whole file
/// so the bad rows are found, and split when it answers 413.
struct BatchPusher: Sendable {
    /// Platform calls in flight at once within a batch.
    var concurrency: Int

    /// What the platform is told about every segment of the run.
    struct Terms: Sendable {
        var cpmCents: Int
        var currency: String
        var dataSourceLocation: String?
    }

    func push(_ items: [ClaimedItem], to client: any PlatformClient, terms: Terms) async -> [ItemOutcome] {
        if let uploader = client as? any SegmentFileUploader {
            return await self.upload(items, to: uploader, terms: terms)
        }
        return await withTaskGroup(of: ItemOutcome.self) { group in
            var outcomes: [ItemOutcome] = []
            var next = items.makeIterator()
            for _ in 0..<max(1, self.concurrency) {
                guard let item = next.next() else { break }
                group.addTask { await Self.push(item, to: client, terms: terms) }
            }
            for await outcome in group {
                outcomes.append(outcome)
                if let item = next.next() { group.addTask { await Self.push(item, to: client, terms: terms) } }
            }
            return outcomes.sorted { $0.item.position < $1.item.position }
        }
    }

    static func push(_ item: ClaimedItem, to client: any PlatformClient, terms: Terms) async -> ItemOutcome {
        do {
            switch item.action {
            case .create:
                return try await self.create(item, on: client, terms: terms)
            case .skip:
                return .done(item, id: item.platformSegmentID, segment: .active)
            case .update:
                guard let id = item.platformSegmentID else { return try await self.create(item, on: client, terms: terms) }
                do {
                    try await client.updateSegment(
                        id, UpdateSegmentParams(name: item.name, description: item.description, cpmCents: terms.cpmCents, currency: terms.currency)
                    )
                } catch let error as PlatformError where error.code == "not_found" {
                    // Deleted on the platform's side since we pushed it: make it again rather than fail.
                    return try await self.create(item, on: client, terms: terms)
                }
                let state = client.reviewsSegments ? SegmentState(platformStatus: try await client.getSegment(id)?.status) : .active
                return .done(item, id: id, segment: state)
            case .deactivate:
                if let id = item.platformSegmentID { try await client.deactivateSegment(id) }
                return .done(item, id: item.platformSegmentID, segment: .active)
            }
        } catch {
            return .failed(item, error)
        }
    }

    /// A create that never makes a second segment: after an ambiguous failure, or when an earlier attempt of this item
    /// never committed, the platform is asked first whether the segment already exists.
    private static func create(_ item: ClaimedItem, on client: any PlatformClient, terms: Terms) async throws -> ItemOutcome {
        let params = CreateSegmentParams(
            key: item.topicID, name: item.name, description: item.description, cpmCents: terms.cpmCents, currency: terms.currency,
            dataSourceLocation: terms.dataSourceLocation
        )
        if item.attempts > 1, let found = try await client.findSegment(key: params.key, name: params.name) {
            return .done(item, id: found.id, segment: SegmentState(platformStatus: found.status))
        }
        do {
            let created = try await client.createSegment(params)
            return .done(item, id: created.id, segment: created.state)
        } catch let error as PlatformError where error.code == "ambiguous" {
            if let found = try await client.findSegment(key: params.key, name: params.name) {
                return .done(item, id: found.id, segment: SegmentState(platformStatus: found.status))
            }
            let created = try await client.createSegment(params)
            return .done(item, id: created.id, segment: created.state)
        }
    }

    // MARK: Files

    private func upload(_ items: [ClaimedItem], to uploader: any SegmentFileUploader, terms: Terms) async -> [ItemOutcome] {
        let withdrawals = items.filter { $0.action == .deactivate }
        let uploads = items.filter { $0.action != .deactivate }
        var outcomes = await Self.bisect(uploads) { part in
            try await uploader.upload(part.map { item in
                CreateSegmentParams(
                    key: item.platformSegmentID ?? item.topicID, name: item.name, description: item.description, cpmCents: terms.cpmCents,
                    currency: terms.currency, dataSourceLocation: terms.dataSourceLocation
                )
            })
        }
        outcomes += await Self.bisect(withdrawals) { part in
            try await uploader.withdraw(part.map { $0.platformSegmentID ?? $0.topicID })
            return .active
        }
        return outcomes.sorted { $0.item.position < $1.item.position }
    }

    /// Sends `items` in one call; when the platform rejects the whole call for its content (4xx other than auth and
    /// rate limits) or its size (413), each half is sent on its own, down to single rows, which then carry the error.
    static func bisect(_ items: [ClaimedItem], _ send: @Sendable ([ClaimedItem]) async throws -> SegmentState) async -> [ItemOutcome] {
        guard !items.isEmpty else { return [] }
        do {
            let state = try await send(items)
            return items.map { .done($0, id: $0.platformSegmentID ?? $0.topicID, segment: state) }
        } catch let error as PlatformError where items.count > 1 && Self.isAboutContent(error) {
            let middle = items.count / 2
            return await self.bisect(Array(items[..<middle]), send) + self.bisect(Array(items[middle...]), send)
        } catch {
            return items.map { .failed($0, error) }
        }
    }

    private static func isAboutContent(_ error: PlatformError) -> Bool {
        guard let status = error.status else { return false }
        return status == 413 || ((400..<500).contains(status) && ![401, 403, 404, 408, 429].contains(status))
    }
}

extension SegmentState {
    /// The state a platform's own status word stands for: a review or a pending state waits, anything else is live.
    init(platformStatus: String?) {
        let status = platformStatus?.lowercased() ?? ""
        if status.contains("review") || status.contains("pending") {
            self = .pendingReview
        } else if status.contains("processing") {
            self = .processing
        } else {
            self = .active
        }
    }
}
