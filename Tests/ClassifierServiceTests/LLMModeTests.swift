import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceKit
import SharedModels
import TestSupport
import Testing

@testable import ClassifierService

/// AI mode against a fake that speaks the Anthropic Messages wire format.
@Suite struct LLMModeTests {
    func classify(
        _ fake: FakeAnthropicAPI, body: String, org: OrgID = .generate(), extra: [String: String] = [:]
    ) async throws -> (HTTPResponse.Status, String) {
        try await fake.run { base in
            let settings = ["LLM_BASE_URL": base, "LLM_API_KEY": fake.apiKey, "LLM_TIMEOUT_SECONDS": "0.5"].merging(extra) { $1 }
            let app = try await buildApplication(reader: TestDatabase.reader(for: .classifier, settings))
            return try await app.test(.router) { client in
                let headers: HTTPFields = [.internalToken: TestDatabase.internalToken, .orgID: org.rawValue]
                return try await client.execute(uri: "/api/classify", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                    ($0.status, String(buffer: $0.body))
                }
            }
        }
    }

    static let answer = ["parent_category": "Insurance", "segment_type": "B2C", "audience_type": "In-Market Buyers", "subcategory": "Auto Insurance"]

    @Test func aValidToolAnswerIsUsedAndValidated() async throws {
        let fake = FakeAnthropicAPI(.answer(Self.answer))
        let (status, body) = try await self.classify(fake, body: #"{"topic_name":"Geico Switchers","llm":true}"#)
        #expect(status == .ok)
        let result = try JSONCoding.decoder.decode(Classification.self, from: Data(body.utf8))
        #expect(result.parentCategory == "Insurance")
        #expect(result.llm && !result.fallback)
        #expect(fake.callCount == 1)
    }

    @Test(arguments: [FakeAnthropicAPI.Mode.rateLimited, .overloaded, .hang, .malformedToolOutput, .answer(["parent_category": "Spaceships", "segment_type": "B2C", "audience_type": "In-Market Buyers"])])
    func anyFailureFallsBackToTheRules(_ mode: FakeAnthropicAPI.Mode) async throws {
        let (status, body) = try await self.classify(FakeAnthropicAPI(mode), body: #"{"topic_name":"Tesla Model 3 Buyers","llm":true}"#)
        #expect(status == .ok)
        let result = try JSONCoding.decoder.decode(Classification.self, from: Data(body.utf8))
        #expect(result.llm && result.fallback)
        #expect(result.parentCategory == "Auto")
    }

    @Test func theMonthlyQuotaIsA429AndTheCapLimitsCallsPerRequest() async throws {
        let fake = FakeAnthropicAPI(.answer(Self.answer))
        let org = OrgID.generate()
        let items = (0..<5).map { #"{"topic_name":"Insurance Shoppers \#($0)"}"# }.joined(separator: ",")
        let (status, body) = try await self.classify(
            fake, body: #"{"llm":true,"items":[\#(items)]}"#, org: org, extra: ["LLM_MONTHLY_QUOTA": "3", "LLM_MAX_CALLS_PER_REQUEST": "2"]
        )
        #expect(status == .ok)
        #expect(fake.callCount == 2)  // the per-request cap
        #expect(body.components(separatedBy: #""fallback":true"#).count - 1 == 3)
        let again = try await self.classify(fake, body: #"{"llm":true,"items":[\#(items)]}"#, org: org, extra: ["LLM_MONTHLY_QUOTA": "3", "LLM_MAX_CALLS_PER_REQUEST": "2"])
        #expect(again.0 == .ok)  // 1 call left this month
        let spent = try await self.classify(fake, body: #"{"topic_name":"x","llm":true}"#, org: org, extra: ["LLM_MONTHLY_QUOTA": "3"])
        #expect(spent.0 == .tooManyRequests)
        #expect(spent.1.contains("quota_exceeded"))
    }
}
