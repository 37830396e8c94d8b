import Hummingbird

/// The data routes under `/v1`: offset pages, cursor pages and the count, all filtered by `updated_since`.
struct SegmentsController: Sendable {
    let catalog: SegmentCatalog
    let store: SegmentStore
    let faults: FaultBoard
    let stats: TrafficStats

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("segments", use: self.list)
        group.get("segments/count", use: self.count)
        group.get("cursor/segments", use: self.cursorList)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = try PageQuery(request)
        let offset = try PageQuery.integer(request.uri.queryParameters.get("offset"), name: "offset", minimum: 0) ?? 0
        let key = FaultBoard.PageKey(route: "segments", page: offset / query.limit, updatedSince: query.sinceText)
        return try await self.respond(to: key) {
            let slice = self.store.page(since: query.since, offset: offset, limit: query.limit)
            return (SegmentPages.offsetPage(self.segments(slice), total: slice.total), slice.entries.count)
        }
    }

    @Sendable func cursorList(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = try PageQuery(request)
        var cursor = PageCursor(offset: 0, sequence: 0)
        if let token = request.uri.queryParameters.get("cursor"), !token.isEmpty {
            guard let sent = PageCursor(token: token) else { throw SampleSourceError.badRequest("cursor is not one this API issued") }
            cursor = sent
        }
        let key = FaultBoard.PageKey(route: "cursor", page: cursor.sequence, updatedSince: query.sinceText)
        return try await self.respond(to: key) {
            let slice = self.store.page(since: query.since, offset: cursor.offset, limit: query.limit)
            let end = cursor.offset + slice.entries.count
            let next = end < slice.total ? PageCursor(offset: end, sequence: cursor.sequence + 1).token : nil
            return (SegmentPages.cursorPage(self.segments(slice), nextCursor: next), slice.entries.count)
        }
    }

    @Sendable func count(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = try PageQuery(request)
        return try JSONBody.response(["count": self.store.count(since: query.since)])
    }

    /// Answers with the page `build` makes, unless the fault set has something else in store for this request.
    private func respond(to key: FaultBoard.PageKey, build: () -> (body: String, records: Int)) async throws -> Response {
        let fault = self.faults.pageFault(for: key)
        if let fault {
            switch fault.kind {
            case .status:
                let status = HTTPResponse.Status(code: fault.status ?? 500)
                throw SampleSourceError(status: status, message: "injected fault: status \(status.code)")
            case .rateLimit:
                throw SampleSourceError(
                    status: .tooManyRequests,
                    message: "rate limited (injected fault)",
                    headers: [.retryAfter: fault.retryAfter ?? "1"]
                )
            case .delay:
                try await Task.sleep(for: .milliseconds(fault.delayMs ?? 0))
            case .malformed, .nameless:
                break
            }
        }
        let page = build()
        let body = ByteBuffer(string: page.body)
        if fault?.kind == .malformed {
            return JSONBody.response(body.getSlice(at: body.readerIndex, length: body.readableBytes / 2) ?? ByteBuffer())
        }
        self.stats.countServed(page.records)
        return JSONBody.response(body)
    }

    private func segments(_ slice: SegmentStore.Slice) -> [Segment] {
        let every = self.faults.namelessEvery
        return slice.entries.map { entry in
            let named = every.map { entry.index % $0 != $0 - 1 } ?? true
            return self.catalog.segment(at: entry.index, updatedAt: entry.updatedAt, named: named)
        }
    }
}
