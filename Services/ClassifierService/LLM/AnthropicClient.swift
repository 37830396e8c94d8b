import ClassifierEngine
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SharedModels

/// The Anthropic Messages API, asked for one classification through a tool whose input schema only admits the
/// taxonomy's own values. Any transport error, non-2xx answer (429, 529 overloaded, …), timeout or answer
/// without a well-formed tool call is an `LLMError`; the caller falls back to the rules.
struct AnthropicClient: Sendable {
    static let toolName = "record_classification"
    static let apiVersion = "2023-06-01"

    let config: LLMConfig
    let apiKey: String
    let httpClient: HTTPClient

    struct Answer: Sendable {
        var parentCategory: String
        var segmentType: String
        var audienceType: String
        var subcategory: String?
        var keywords: [String]
        var inputTokens: Int
        var outputTokens: Int
    }

    func classify(_ item: ClassifyItem, taxonomy: Taxonomy, logger: Logger) async throws -> Answer {
        var request = HTTPClientRequest(url: self.config.baseURL + "/v1/messages")
        request.method = .POST
        request.headers.add(name: "x-api-key", value: self.apiKey)
        request.headers.add(name: "anthropic-version", value: Self.apiVersion)
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: self.body(item, taxonomy: taxonomy), options: [.sortedKeys])))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await self.httpClient.execute(request, timeout: self.config.timeout, logger: logger)
            bytes = try await response.body.collect(upTo: 4 << 20)
        } catch {
            throw LLMError.transport("\(type(of: error))")
        }
        guard (200..<300).contains(response.status.code) else { throw LLMError.status(Int(response.status.code)) }
        return try Self.answer(from: Data(bytes.readableBytesView))
    }

    func body(_ item: ClassifyItem, taxonomy: Taxonomy) -> [String: Any] {
        var prompt = "Classify this audience segment for an ad-tech taxonomy.\nSegment name: \(item.topicName)"
        if let description = item.description { prompt += "\nDescription: \(description)" }
        var tools: [[String: Any]] = [
            [
                "name": Self.toolName, "description": "Record the classification of the audience segment.",
                "input_schema": [
                    "type": "object", "additionalProperties": false,
                    "required": ["parent_category", "segment_type", "audience_type", "keywords"],
                    "properties": [
                        "parent_category": ["type": "string", "enum": taxonomy.parents.map(\.name)],
                        "segment_type": ["type": "string", "enum": Taxonomy.segmentTypes],
                        "audience_type": ["type": "string", "enum": taxonomy.audienceTypes.map(\.name)],
                        "subcategory": ["type": "string"],
                        "keywords": ["type": "array", "items": ["type": "string"], "maxItems": 8],
                    ] as [String: Any],
                ] as [String: Any],
            ]
        ]
        if self.config.webSearch { tools.append(["type": "web_search_20250305", "name": "web_search", "max_uses": 2]) }
        return [
            "model": self.config.model, "max_tokens": 1024, "tools": tools,
            // With web search the model may look things up first; without it, it must answer through the tool.
            "tool_choice": self.config.webSearch ? ["type": "auto"] : ["type": "tool", "name": Self.toolName],
            "messages": [["role": "user", "content": prompt]],
        ]
    }

    static func answer(from data: Data) throws -> Answer {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let content = json["content"] as? [[String: Any]],
            let call = content.first(where: { $0["type"] as? String == "tool_use" && $0["name"] as? String == Self.toolName }),
            let input = call["input"] as? [String: Any], let parent = input["parent_category"] as? String,
            let segmentType = input["segment_type"] as? String, let audience = input["audience_type"] as? String
        else { throw LLMError.malformed }
        let usage = json["usage"] as? [String: Any]
        return Answer(
            parentCategory: parent, segmentType: segmentType, audienceType: audience, subcategory: input["subcategory"] as? String,
            keywords: (input["keywords"] as? [String]) ?? [], inputTokens: usage?["input_tokens"] as? Int ?? 0,
            outputTokens: usage?["output_tokens"] as? Int ?? 0
        )
    }
}

enum LLMError: Error, Equatable {
    case transport(String)
    case status(Int)
    case malformed
    case invalidAnswer(String)
}
