import ClassifierEngine
import Foundation
import Hummingbird
import Logging
import ServiceKit
import SharedModels

/// `/api/output-templates`: the built-in templates (read only) and the org's own, whose names appear in
/// `platform_outputs[key]` of every classification. Changing them needs an owner or admin session.
struct TemplatesController: Sendable {
    let repository: TemplateRepository

    struct Listed: ResponseEncodable {
        var data: [Entry]
    }

    struct Entry: Encodable, ResponseEncodable {
        var template: OutputTemplate
        var builtIn: Bool

        func encode(to encoder: any Encoder) throws {
            try self.template.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.builtIn, forKey: .builtIn)
        }

        enum CodingKeys: String, CodingKey {
            case template, builtIn = "built_in"
        }
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("api/output-templates")
        group.get(use: self.list)
        group.post(use: self.create)
        group.get("{key}", use: self.show)
        group.patch("{key}", use: self.update)
        group.delete("{key}", use: self.delete)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listed {
        let caller = try context.requireCaller()
        let custom = try await self.repository.list(orgID: caller.orgID, logger: context.logger)
        return Listed(data: OutputTemplate.builtIns.map { Entry(template: $0, builtIn: true) } + custom.map { Entry(template: $0, builtIn: false) })
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Entry {
        let caller = try context.requireCaller()
        let key = try context.parameters.require("key")
        if let builtIn = OutputTemplate.builtIns.first(where: { $0.key == key }) { return Entry(template: builtIn, builtIn: true) }
        guard let template = try await self.repository.find(orgID: caller.orgID, key: key, logger: context.logger) else { throw Self.notFound(key) }
        return Entry(template: template, builtIn: false)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Entry> {
        let caller = try Self.admin(context)
        let template = try TemplateValidator.template(from: try await request.jsonObject(upTo: 1 << 20), over: nil)
        try await self.repository.save(orgID: caller.orgID, template: template, replace: false, logger: context.logger)
        return EditedResponse(status: .created, response: Entry(template: template, builtIn: false))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Entry {
        let caller = try Self.admin(context)
        let key = try context.parameters.require("key")
        if OutputTemplate.builtIns.contains(where: { $0.key == key }) {
            throw AppError.forbidden("built_in_template", "Built-in templates cannot be changed; create your own.")
        }
        guard let current = try await self.repository.find(orgID: caller.orgID, key: key, logger: context.logger) else { throw Self.notFound(key) }
        let template = try TemplateValidator.template(from: try await request.jsonObject(upTo: 1 << 20), over: current)
        try await self.repository.save(orgID: caller.orgID, template: template, replace: true, logger: context.logger)
        return Entry(template: template, builtIn: false)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> [String: Bool] {
        let caller = try Self.admin(context)
        let key = try context.parameters.require("key")
        guard try await self.repository.delete(orgID: caller.orgID, key: key, logger: context.logger) else { throw Self.notFound(key) }
        return ["deleted": true]
    }

    static func admin(_ context: AppRequestContext) throws -> Caller {
        let caller = try context.requireCaller()
        guard caller.role == .owner || caller.role == .admin else {
            throw AppError.forbidden("admin_required", "Only an owner or admin can change output templates.")
        }
        return caller
    }

    static func notFound(_ key: String) -> AppError { .notFound("template_not_found", "No output template \(key).") }
}
