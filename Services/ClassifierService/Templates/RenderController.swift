import ClassifierEngine
import Hummingbird
import ServiceKit
import SharedModels

/// Internal `POST /render`: activation-service's segment names and descriptions, rendered by one output template
/// (built in or the org's own) from the topics' classifications, in order.
struct RenderController: Sendable {
    static let maxItems = 10_000

    struct RenderRequest: Decodable {
        var templateKey: String
        var items: [Classification]

        enum CodingKeys: String, CodingKey {
            case templateKey = "template_key", items
        }
    }

    struct Rendered: Encodable, ResponseEncodable {
        struct Item: Encodable {
            var name: String
            var description: String
        }

        var data: [Item]
    }

    let repository: TemplateRepository

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("render", use: self.render)
    }

    @Sendable func render(_ request: Request, context: AppRequestContext) async throws -> Rendered {
        let caller = try context.requireCaller()
        let body = try await request.decodeJSON(RenderRequest.self, upTo: 64 << 20)
        guard body.items.count <= Self.maxItems else {
            throw AppError.badRequest("too_many_items", "At most \(Self.maxItems) items can be rendered at once.")
        }
        var template = OutputTemplate.builtIns.first { $0.key == body.templateKey }
        if template == nil { template = try await self.repository.find(orgID: caller.orgID, key: body.templateKey, logger: context.logger) }
        guard let template else {
            throw AppError.notFound("template_not_found", "No output template '\(body.templateKey)' in this organisation.")
        }
        return Rendered(data: body.items.map { item in
            let rendered = SegmentNamer.render(template, item)
            return Rendered.Item(name: rendered.name, description: rendered.description)
        })
    }
}
