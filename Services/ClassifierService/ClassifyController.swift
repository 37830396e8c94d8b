import ClassifierEngine
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceKit
import SharedModels

/// `POST /api/classify` (one name, or `{"items": [...]}` up to 1,000) and the internal `POST /classify` and
/// `POST /embed` other services call. One bad item in a batch is an error for that item only.
struct ClassifyController: Sendable {
    static let maxBatch = 1000

    let classifier: RuleClassifier
    let llm: LLMClassifier
    let templates: TemplateRepository

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("api/classify", use: self.classifyPublic)
        router.post("classify", use: self.classifyBatch)
        router.post("embed", use: self.embed)
    }

    /// A classification, or the reason this one item could not be classified.
    enum ItemResult {
        case classified(Classification)
        case failed(ErrorEnvelope)
    }

    @Sendable func classifyPublic(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.jsonObject(upTo: 8 << 20)
        if body["items"] != nil {
            return try await self.batch(body, context: context)
        }
        switch try await self.classify([.object(body)], llm: Self.llmFlag(body), context: context)[0] {
        case .classified(let classification):
            var writer = JSONWriter()
            writer.classification(classification)
            return Self.response(writer)
        case .failed(let envelope): throw AppError.badRequest(envelope.error.code, envelope.error.message)
        }
    }

    @Sendable func classifyBatch(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.batch(try await request.jsonObject(upTo: 8 << 20), context: context)
    }

    struct EmbedRequest: Decodable {
        var names: [String]
    }

    struct EmbedResponse: ResponseEncodable {
        var dimensions: Int
        var data: [[Float]]
    }

    @Sendable func embed(_ request: Request, context: AppRequestContext) async throws -> EmbedResponse {
        let body = try await request.decode(as: EmbedRequest.self, context: context)
        guard body.names.count <= Self.maxBatch else {
            throw AppError.badRequest("batch_too_large", "At most \(Self.maxBatch) names a request.")
        }
        return EmbedResponse(dimensions: HashEmbedding.dimensions, data: body.names.map(HashEmbedding.embed))
    }

    /// `{"data": [classification or error envelope, …]}`, in the items' order.
    func batch(_ body: [String: JSONValue], context: AppRequestContext) async throws -> Response {
        guard case .array(let items)? = body["items"] else {
            throw AppError.badRequest("invalid_items", "items must be a list of {topic_name, …}.", details: .object(["field": "items"]))
        }
        guard items.count <= Self.maxBatch else {
            throw AppError.badRequest("batch_too_large", "At most \(Self.maxBatch) items a request; got \(items.count).")
        }
        let results = try await self.classify(items, llm: Self.llmFlag(body), context: context)
        var writer = JSONWriter(capacity: 1200 * results.count + 16)
        writer.raw("{\"data\":[")
        for (index, result) in results.enumerated() {
            if index > 0 { writer.append(UInt8(ascii: ",")) }
            switch result {
            case .classified(let classification): writer.classification(classification)
            case .failed(let envelope): writer.envelope(envelope)
            }
        }
        writer.raw("]}")
        return Self.response(writer)
    }

    static func response(_ writer: JSONWriter) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }

    /// One result per value, in order: the rules' classification, or (in AI mode) the model's, validated; with the
    /// org's own templates rendered into `platform_outputs`.
    func classify(_ values: [JSONValue], llm: Bool, context: AppRequestContext) async throws -> [ItemResult] {
        let parsed = values.map(Self.item)
        let items = parsed.compactMap { try? $0.get() }
        var classified: [Classification]
        if llm {
            classified = try await self.llm.classify(items, caller: context.caller, logger: context.logger)
        } else {
            classified = items.map(self.classifier.classify)
        }
        if let org = context.caller?.orgID {
            let custom = try await self.templates.list(orgID: org, logger: context.logger)
            if !custom.isEmpty {
                let namer = SegmentNamer(custom: custom)
                for index in classified.indices { namer.fillPlatformOutputs(&classified[index]) }
            }
        }
        var next = classified.makeIterator()
        return parsed.map { entry in
            switch entry {
            case .success: next.next().map(ItemResult.classified) ?? .failed(ErrorEnvelope(code: "internal_error", message: "No result."))
            case .failure(let envelope): .failed(envelope)
            }
        }
    }

    /// An item, or why it is not one.
    static func item(_ value: JSONValue) -> Result<ClassifyItem, ErrorEnvelope> {
        // Read field by field: optional fields may be absent or null, but never of another type.
        let invalid = ErrorEnvelope(code: "invalid_item", message: "An item must be an object with a string topic_name.")
        guard case .object(let object) = value, case .string(let name)? = object["topic_name"] else { return .failure(invalid) }
        var hints: [String?] = []
        for field in ["description", "parent_category", "segment_type"] {
            switch object[field] {
            case nil, .null?: hints.append(nil)
            case .string(let text)?: hints.append(text)
            default: return .failure(invalid)
            }
        }
        let item = ClassifyItem(topicName: name, description: hints[0], parentCategory: hints[1], segmentType: hints[2])
        guard !item.topicName.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .failure(ErrorEnvelope(code: "invalid_topic_name", message: "topic_name must not be empty."))
        }
        guard item.topicName.count <= 500 else {
            return .failure(ErrorEnvelope(code: "invalid_topic_name", message: "topic_name must be at most 500 characters."))
        }
        return .success(item)
    }

    static func llmFlag(_ body: [String: JSONValue]) -> Bool {
        if case .bool(true)? = body["llm"] { return true }
        return false
    }
}

