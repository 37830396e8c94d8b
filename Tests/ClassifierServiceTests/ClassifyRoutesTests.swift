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

@Suite struct ClassifyRoutesTests {
    let headers: HTTPFields = [.internalToken: TestDatabase.internalToken, .orgID: OrgID.generate().rawValue]

    func app() async throws -> some ApplicationProtocol {
        try await buildApplication(reader: TestDatabase.reader(for: .classifier))
    }

    @Test func oneNameGetsEveryFieldOfTheClassification() async throws {
        try await self.app().test(.router) { client in
            let body = ByteBuffer(string: #"{"topic_name":"Tesla Model 3 Buyers"}"#)
            try await client.execute(uri: "/api/classify", method: .post, headers: self.headers, body: body) { response throws in
                #expect(response.status == .ok)
                let result = try response.json(Classification.self)
                #expect(result.parentCategory == "Auto")
                #expect(result.taxonomyType == "Automotive & Vehicles")
                #expect(result.segmentType == "B2C")
                #expect(result.audienceType == "In-Market Buyers")
                #expect(result.iabCode.hasPrefix("IAB2"))
                #expect(result.engineVersion == "2.5")
                #expect(result.segmentNameTradedesk == "Auto > EV > Tesla Model 3 Buyers")
                #expect(result.segmentNameLiveramp == "Auto_EV_Tesla_Model_3_Buyers")
                #expect(result.confidence > 0.5)
                #expect(!result.keywords.isEmpty)
            }
        }
    }

    @Test func theSameInputGivesByteIdenticalOutput() async throws {
        let body = #"{"topic_name":"B2B - IT Decision Makers - Cloud Security","description":"Enterprise buyers"}"#
        var answers: [String] = []
        for _ in 0..<2 {
            let answer = try await self.app().test(.router) { client in
                try await client.execute(uri: "/api/classify", method: .post, headers: self.headers, body: ByteBuffer(string: body)) { response throws in
                    String(buffer: response.body)
                }
            }
            answers.append(answer)
        }
        #expect(answers.count == 2 && answers[0] == answers[1])
    }

    @Test func aBatchAnswersOneResultOrErrorPerItemInOrder() async throws {
        try await self.app().test(.router) { client in
            let body = ByteBuffer(string: #"{"items":[{"topic_name":"Golf Enthusiasts"},{"topic_name":"   "},{"topic_name":7},{"topic_name":"Xqzv Blorp"}]}"#)
            try await client.execute(uri: "/api/classify", method: .post, headers: self.headers, body: body) { response throws in
                #expect(response.status == .ok)
                let data = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])["data"] as? [[String: Any]]
                #expect(data?.count == 4)
                #expect(data?[0]["parent_category"] as? String == "Sports")
                #expect((data?[1]["error"] as? [String: Any])?["code"] as? String == "invalid_topic_name")
                #expect((data?[2]["error"] as? [String: Any])?["code"] as? String == "invalid_item")
                #expect(data?[3]["parent_category"] as? String == "Unclassified")
                #expect((data?[3]["confidence"] as? Double ?? 1) < 0.2)
            }
        }
    }

    @Test func badRequestsAreClear400s() async throws {
        try await self.app().test(.router) { client in
            let tooMany = "{\"items\":[" + Array(repeating: #"{"topic_name":"x"}"#, count: 1001).joined(separator: ",") + "]}"
            for (body, code) in [(#"{"topic_name":" "}"#, "invalid_topic_name"), ("[]", "invalid_json"), (tooMany, "batch_too_large"), (#"{"items":3}"#, "invalid_items")] {
                try await client.execute(uri: "/api/classify", method: .post, headers: self.headers, body: ByteBuffer(string: body)) { response throws in
                    #expect(response.status == .badRequest)
                    #expect(response.errorCode == code)
                }
            }
        }
    }

    @Test func hintsWinAndAnLLMRequestWithoutAModelFallsBackToTheRules() async throws {
        try await self.app().test(.router) { client in
            let body = ByteBuffer(string: #"{"topic_name":"Premium Members","parent_category":"Hotels & Lodging","segment_type":"B2B","llm":true}"#)
            try await client.execute(uri: "/api/classify", method: .post, headers: self.headers, body: body) { response throws in
                let result = try response.json(Classification.self)
                #expect(result.parentCategory == "Hotels & Lodging")
                #expect(result.segmentType == "B2B")
                #expect(result.llm && result.fallback)
            }
        }
    }

    @Test func theEmbedRouteUsesTheSharedFunction() async throws {
        try await self.app().test(.router) { client in
            try await client.execute(uri: "/embed", method: .post, headers: self.headers, body: ByteBuffer(string: #"{"names":["Tesla Model 3 Buyers"]}"#)) {
                response throws in
                let data = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])["data"] as? [[Double]]
                #expect(data?.first?.map(Float.init) == HashEmbedding.embed("Tesla Model 3 Buyers"))
            }
            try await client.execute(uri: "/classify", method: .post, body: ByteBuffer(string: #"{"items":[]}"#)) { response throws in
                #expect(response.errorCode == "internal_token_required")
            }
        }
    }
}
