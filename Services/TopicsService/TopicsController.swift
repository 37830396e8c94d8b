import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceKit
import SharedModels

/// The Topics API for the calling org's library (`/api/topics…`), as the seed describes it.
struct TopicsController: Sendable {
    static let maxDeleteIDs = 1000

    let library: LibraryRepository
    let ingester: Ingester
    let reclassifier: Reclassifier
    let taxonomy: TaxonomyNames

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("api/topics")
        group.get(use: self.list)
        group.post(use: self.create)
        group.delete(use: self.delete)
        group.get("stats", use: self.stats)
        group.get("facets", use: self.facets)
        group.get("{id}", use: self.get)
        group.patch("{id}", use: self.patch)
        group.get("{id}/history", use: self.history)
        group.post("reclassify", use: self.reclassifyMany)
        group.post("{id}/reclassify", use: self.reclassifyOne)
    }

    /// The topic, classified again (rules, or the LLM with `"llm": true`), with `llm` and `fallback`.
    @Sendable func reclassifyOne(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try context.parameters.require("id")
        let llm = Self.llmFlag(try await request.jsonObject(upTo: 1 << 20, emptyIsObject: true))
        let outcomes = try await self.reclassifier.reclassify(ids: [id], llm: llm, orgID: caller.orgID, context: context.callContext, logger: context.logger)
        guard let outcome = outcomes.first else { throw Self.notFound }
        switch outcome.result {
        case .failed(let error): throw AppError.badRequest(error.code, error.message)
        case .classified(let classification):
            let topic = try await self.library.get(orgID: caller.orgID, id: id, on: self.library.client, logger: context.logger) ?? "{}"
            return Response.json(Self.adding(["llm": .bool(llm), "fallback": .bool(classification.fallback)], to: topic))
        }
    }

    /// Up to 500 topics with the rules, 100 with the LLM: `{total, success, failed, errors, llm, llmCount, fallbackCount}`.
    @Sendable func reclassifyMany(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let body = try await request.jsonObject(upTo: 1 << 20)
        let llm = Self.llmFlag(body)
        let limit = llm ? Reclassifier.llmLimit : Reclassifier.rulesLimit
        guard case .array(let values)? = body["ids"], !values.isEmpty, values.count <= limit else {
            throw AppError.badRequest(
                "invalid_ids", "ids must be a list of 1 to \(limit) topic ids in \(llm ? "LLM" : "rule-based") mode.", details: .object(["field": "ids"])
            )
        }
        let ids = values.compactMap { value -> String? in if case .string(let id) = value { id } else { nil } }
        guard ids.count == values.count else { throw AppError.badRequest("invalid_ids", "Every id must be a string.", details: .object(["field": "ids"])) }
        let outcomes = try await self.reclassifier.reclassify(ids: ids, llm: llm, orgID: caller.orgID, context: context.callContext, logger: context.logger)
        let found = Set(outcomes.map(\.id))
        var errors: [JSONValue] = ids.filter { !found.contains($0) }.map { .object(["id": .string($0), "error": "topic_not_found"]) }
        var classified: [Classification] = []
        for outcome in outcomes {
            switch outcome.result {
            case .classified(let classification): classified.append(classification)
            case .failed(let error): errors.append(.object(["id": .string(outcome.id), "error": .string(error.code)]))
            }
        }
        let summary: JSONValue = [
            "total": .number(Double(ids.count)), "success": .number(Double(classified.count)), "failed": .number(Double(errors.count)),
            "errors": .array(errors), "llm": .bool(llm),
            "llmCount": .number(Double(classified.filter { llm && !$0.fallback }.count)),
            "fallbackCount": .number(Double(classified.filter(\.fallback).count)),
        ]
        return Response.json(String(decoding: try JSONCoding.encoder.encode(summary), as: UTF8.self))
    }

    static func llmFlag(_ body: [String: JSONValue]) -> Bool {
        if case .bool(true)? = body["llm"] { return true }
        return false
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let parameters = request.queryDictionary
        return Response.json(try await self.library.list(orgID: caller.orgID, query: try TopicQuery(parameters: parameters), logger: context.logger))
    }

    /// One topic through the same dedup as a sync page: 201 when new or adopted from the catalog (with a warning
    /// when it is close to another), 409 when the library already has it.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let body = try await request.jsonObject(upTo: 1 << 20)
        guard case .string(let raw)? = body["topic_name"] else {
            throw AppError.badRequest("invalid_topic_name", "topic_name is required.", details: .object(["field": "topic_name"]))
        }
        var overlay = body
        for field in ["topic_name", "_batchId", "engine_version", "segment_desc_liveramp", "segment_desc_tradedesk"] { overlay[field] = nil }
        let fields = overlay.isEmpty ? [:] : try TopicPatch.fields(overlay, taxonomy: self.taxonomy)
        let record = IngestPage.record(.object(["topic_name": .string(raw), "description": body["internal_description"] ?? .null]))
        if case .failure(let error) = record {
            throw AppError.badRequest("invalid_topic_name", "The topic_name is not usable: \(error.reason).", details: .object(["field": "topic_name"]))
        }
        let page = IngestPage(key: nil, llm: false, source: "api", changeType: "created", records: [record])
        let result = try await self.ingester.ingest(page, orgID: caller.orgID, context: context.callContext, logger: context.logger)
        guard let outcome = result.outcomes.first, let id = outcome.topicID?.rawValue else {
            throw AppError.badRequest("invalid_topic_name", result.outcomes.first?.reason ?? "The topic could not be created.")
        }
        guard outcome.outcome != .duplicate else {
            let existing = try await self.library.get(orgID: caller.orgID, id: id, on: self.library.client, logger: context.logger)
            let name = existing.flatMap { try? JSONCoding.decoder.decode(Topic.self, from: Data($0.utf8)).topicName }
            throw AppError.conflict(
                "duplicate_topic", "This topic is already in your library.",
                details: .object(["existingTopic": .object(["id": .string(id), "topic_name": name.map(JSONValue.string) ?? .null])])
            )
        }
        let topic = fields.isEmpty
            ? try await self.library.get(orgID: caller.orgID, id: id, on: self.library.client, logger: context.logger)
            : try await self.library.update(orgID: caller.orgID, id: id, fields: fields, actor: caller.actorID, logger: context.logger)
        var extra: [String: JSONValue] = [:]
        if outcome.outcome == .adopted { extra["adopted"] = true }
        if let warning = outcome.similarityWarning {
            extra["warning"] = .object([
                "code": "similar_topic", "message": "A similar topic is already in the catalog.",
                "similarTopicId": .string(warning.globalTopicID.rawValue), "confidence": .number(warning.score),
            ])
        }
        return Response.json(Self.adding(extra, to: topic ?? "{}"), status: .created)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try context.parameters.require("id")
        guard let topic = try await self.library.get(orgID: caller.orgID, id: id, on: self.library.client, logger: context.logger) else {
            throw Self.notFound
        }
        return Response.json(topic)
    }

    @Sendable func patch(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try context.parameters.require("id")
        let fields = try TopicPatch.fields(try await request.jsonObject(upTo: 1 << 20), taxonomy: self.taxonomy)
        guard let topic = try await self.library.update(orgID: caller.orgID, id: id, fields: fields, actor: caller.actorID, logger: context.logger) else {
            throw Self.notFound
        }
        return Response.json(topic)
    }

    /// Bulk removal from the library: API keys need topics:write (the gateway checks), sessions the
    /// library:delete permission of owners and admins.
    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        if caller.actorType == .session, caller.role == .member {
            throw AppError.forbidden("insufficient_permission", "Deleting topics needs the library:delete permission (owners and admins).")
        }
        let body = try await request.jsonObject(upTo: 1 << 20)
        guard case .array(let values)? = body["ids"], !values.isEmpty, values.count <= Self.maxDeleteIDs else {
            throw AppError.badRequest("invalid_ids", "ids must be a list of 1 to \(Self.maxDeleteIDs) topic ids.", details: .object(["field": "ids"]))
        }
        let ids = try values.map { value -> String in
            guard case .string(let id) = value, OrgTopicID(rawValue: id) != nil else {
                throw AppError.badRequest("invalid_ids", "Every id must be a topic id (ot_…).", details: .object(["field": "ids"]))
            }
            return id
        }
        let deleted = try await self.library.delete(orgID: caller.orgID, ids: ids, logger: context.logger)
        return Response.json(#"{"deleted":\#(deleted)}"#)
    }

    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        guard let history = try await self.library.history(orgID: caller.orgID, id: try context.parameters.require("id"), logger: context.logger) else {
            throw Self.notFound
        }
        return Response.json(history)
    }

    @Sendable func stats(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response.json(try await self.library.stats(orgID: try context.requireCaller().orgID, logger: context.logger))
    }

    @Sendable func facets(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response.json(try await self.library.facets(orgID: try context.requireCaller().orgID, logger: context.logger))
    }

    static let notFound = AppError.notFound("topic_not_found", "No such topic in your library.")

    /// The topic's JSON object with more keys.
    static func adding(_ extra: [String: JSONValue], to object: String) -> String {
        guard !extra.isEmpty, object.hasSuffix("}"), let encoded = try? JSONCoding.encoder.encode(JSONValue.object(extra)) else { return object }
        let fields = String(decoding: encoded, as: UTF8.self).dropFirst().dropLast()
        return object.dropLast() + "," + fields + "}"
    }
}
