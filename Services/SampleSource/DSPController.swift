import Hummingbird

/// A custom REST DSP in the custom-connectors seed's shape, under `/dsp`, for pushes to land on in the demo and the
/// benchmark: `GET /health`, `POST /segments` (`{external_id, name, description, price, currency,
/// data_source_location?}` → 201), `PUT`/`GET`/`DELETE /segments/:id` (`DELETE` deactivates) and
/// `GET /segments?external_id=` (`{data: […]}`). `GET /admin/dsp` counts the segments; `DELETE /admin/dsp`
/// (`?external_id_prefix=`) forgets them. Every route needs the bearer token.
struct DSPController: Sendable {
    /// Body of `POST /dsp/segments`.
    struct SegmentCreate: Decodable {
        var externalID: String?
        var name: String?
        var description: String?
        var price: Double?
        var currency: String?
        var dataSourceLocation: String?

        private enum CodingKeys: String, CodingKey {
            case name, description, price, currency
            case externalID = "external_id"
            case dataSourceLocation = "data_source_location"
        }
    }

    /// Body of `PUT /dsp/segments/:id`.
    struct SegmentUpdate: Decodable {
        var name: String?
        var description: String?
        var price: Double?
        var currency: String?
    }

    struct SegmentList: Encodable {
        let data: [DSPStore.Segment]
    }

    let store: DSPStore

    func addRoutes(to router: Router<AppRequestContext>, auth: BearerAuthMiddleware<AppRequestContext>) {
        let dsp = router.group("dsp").add(middleware: auth)
        dsp.get("health") { _, _ in try JSONBody.response(["status": "ok"]) }
        dsp.post("segments", use: self.create)
        dsp.get("segments", use: self.list)
        dsp.get("segments/{id}", use: self.show)
        dsp.put("segments/{id}", use: self.update)
        dsp.delete("segments/{id}", use: self.deactivate)
        let admin = router.group("admin/dsp").add(middleware: auth)
        admin.get(use: self.showCounts)
        admin.delete(use: self.removeSegments)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(SegmentCreate.self, from: request)
        guard let name = body.name, !name.isEmpty else { throw Self.unprocessable("name is required") }
        try Self.check(price: body.price)
        let segment = self.store.create(
            DSPStore.NewSegment(
                externalID: body.externalID, name: name, description: body.description ?? "", price: body.price, currency: body.currency,
                dataSourceLocation: body.dataSourceLocation
            )
        )
        return try JSONBody.response(segment, status: .created)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONBody.response(SegmentList(data: self.store.find(externalID: request.uri.queryParameters.get("external_id"))))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let segment = self.store.segment(id) else { throw Self.notFound(id) }
        return try JSONBody.response(segment)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let body = try await JSONBody.decode(SegmentUpdate.self, from: request)
        if let name = body.name, name.isEmpty { throw Self.unprocessable("name must not be empty") }
        try Self.check(price: body.price)
        let change = DSPStore.Change(name: body.name, description: body.description, price: body.price, currency: body.currency)
        guard let segment = self.store.update(id, change) else { throw Self.notFound(id) }
        return try JSONBody.response(segment)
    }

    @Sendable func deactivate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let segment = self.store.deactivate(id) else { throw Self.notFound(id) }
        return try JSONBody.response(segment)
    }

    @Sendable func showCounts(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONBody.response(self.store.counts)
    }

    @Sendable func removeSegments(_ request: Request, context: AppRequestContext) async throws -> Response {
        self.store.remove(externalIDPrefix: request.uri.queryParameters.get("external_id_prefix") ?? "")
        return try JSONBody.response(self.store.counts)
    }

    private static func check(price: Double?) throws {
        if let price, !(price >= 0) { throw Self.unprocessable("price must not be negative") }
    }

    private static func unprocessable(_ message: String) -> SampleSourceError {
        SampleSourceError(status: .unprocessableContent, message: message)
    }

    private static func notFound(_ id: String) -> SampleSourceError {
        SampleSourceError(status: .notFound, message: "no segment \(id)")
    }
}
