import Foundation
import NIOHTTP1
import ServiceKit
import SharedModels
import TestSupport
import Testing

/// The same push flow against each real platform's wire format: fakes of The Trade Desk and LiveRamp in this
/// process, and a real S3-compatible server (moto) for Index Exchange.
extension StackTests {
    /// Deactivates the activation of `topic` on `connection` through the API.
    func deactivate(_ org: SyncOrg, topic: String, connection: ConnectionID) async throws {
        let listed = try await self.activations(org, "topicId=\(topic)&connectionId=\(connection)")
        guard case .array(let rows)? = listed.field("data"), case .string(let id)? = rows.first?.field("id") else {
            Issue.record("no activation of \(topic)")
            return
        }
        let answer = try await Exchange.send(.POST, LiveStack.gateway + "/api/activations/deactivate", headers: org.auth, json: ["ids": [.string(id)]] as JSONValue)
        #expect(answer.status == 200)
        #expect(try answer.decode(JSONValue.self).field("deactivated") == 1, "\(String(decoding: answer.body, as: UTF8.self))")
    }

    @Test func theTradeDeskGetsSixtyDataElementsInThreeBatchesAndATokenRenewedOnce() async throws {
        let (org, ids) = try await self.pushOrg(topics: 60)
        let ttd = FakeTradeDesk()
        try await ttd.run { base in
            let connection = try await self.outbound(
                org, platform: "tradedesk", config: ["api_base_url": .string(base), "provider_id": "audiencehub", "default_cpm": 1.75],
                credentials: ["username": .string(ttd.login), "password": .string(ttd.password)], authType: "basic"
            )
            let (status, calls) = try await self.pushToEnd(org, connection, ids) { ttd.expireToken() }
            #expect(calls == 3 && status.pushed == 60 && status.failed == 0, "\(status.errors.map(\.message))")
            #expect(ttd.tokensIssued == 2)
            #expect(ids.allSatisfy { ttd.elements[$0]?.buyable == true && ttd.rates[$0] == 1.75 })
            #expect(ids.allSatisfy { ttd.elements[$0]?.parent.hasPrefix("ah.") == true })
            let (again, _) = try await self.pushToEnd(org, connection, ids)
            #expect(again.skipped == 60)
            try await self.deactivate(org, topic: ids[0], connection: connection)
            #expect(ttd.elements[ids[0]]?.buyable == false)
        }
    }

    @Test func liveRampSegmentsWaitForReviewWithTheSellersNameAndATokenRefusedWith403IsRenewed() async throws {
        let (org, ids) = try await self.pushOrg(topics: 60)
        let lr = FakeLiveRamp()
        try await lr.run { base in
            let connection = try await self.outbound(
                org, platform: "liveramp",
                config: [
                    "api_base_url": .string(base), "token_url": .string(base + "/authn/v1/oauth2/token"), "lr_org_id": .string(lr.orgID),
                    "seller_name": .string(lr.sellerName), "data_source_location": "US", "default_cpm": 2, "currency": "USD",
                ],
                credentials: ["username": .string(lr.accountID), "password": .string(lr.secretKey)], authType: "oauth2"
            )
            let (status, calls) = try await self.pushToEnd(org, connection, ids) { lr.expireTokens(answering: 403) }
            #expect(calls == 3 && status.awaitingReview == 60 && status.failed == 0, "\(status.errors.map(\.message))")
            #expect(lr.tokenRequests == 2)
            #expect(lr.segments.count == 60)
            #expect(lr.segments.allSatisfy { $0.name.hasPrefix(lr.sellerName) && $0.cpm == 2 && $0.status == "PENDING_REVIEW" })
            let waiting = try await self.activations(org, "connectionId=\(connection)&status=pending_review")
            #expect(waiting.field("total") == 60)
            let (again, _) = try await self.pushToEnd(org, connection, ids)
            #expect(again.skipped == 60 && lr.segments.count == 60)

            // LiveRamp approves ten; a refresh reads the waiting segments back and records it.
            for segment in lr.segments.prefix(10) { lr.review(segment.id) }
            let refreshed = try await Exchange.send(
                .POST, LiveStack.gateway + "/api/activations/refresh", headers: org.auth, json: ["connectionId": .string(connection.rawValue)] as JSONValue
            )
            #expect(refreshed.status == 200)
            let counts = try refreshed.decode(JSONValue.self)
            #expect(counts.field("checked") == 60 && counts.field("changed") == 10, "\(counts)")
            #expect(try await self.activations(org, "connectionId=\(connection)&status=active").field("total") == 10)
            try await self.deactivate(org, topic: ids[0], connection: connection)
            #expect(lr.segments.filter { $0.status == "INACTIVE" }.count == 1)
        }
    }

    @Test func indexExchangeGetsSixtySegmentsAsTaxonomyFilesInS3() async throws {
        let (org, ids) = try await self.pushOrg(topics: 60)
        try await MotoServer.run { moto in
            let connection = try await self.outbound(
                org, platform: "indexexchange",
                config: ["s3_endpoint": .string(moto.endpoint), "bucket": .string(moto.bucket), "region": .string(moto.region), "prefix": "ah"],
                credentials: ["access_key_id": .string(moto.accessKeyID), "secret_access_key": .string(moto.secretAccessKey)], authType: "api_key"
            )
            let (status, calls) = try await self.pushToEnd(org, connection, ids)
            #expect(calls == 3 && status.processing == 60 && status.failed == 0, "\(status.errors.map(\.message))")
            let files = try await moto.keys(prefix: "ah/taxonomy/")
            #expect(files.count >= 3)
            var seen: [String] = []
            for key in files {
                let body = try #require(try await moto.object(key))
                #expect(body.count <= 30_000)
                let file = try JSONCoding.decoder.decode(JSONValue.self, from: body)
                #expect(file.field("version") == "2.0")
                if case .array(let segments)? = file.field("segments") {
                    seen += segments.compactMap { if case .string(let id)? = $0.field("externalSegmentID") { id } else { nil } }
                }
            }
            #expect(seen.sorted() == ids.sorted())
            let (again, _) = try await self.pushToEnd(org, connection, ids)
            #expect(again.skipped == 60)
            try await self.deactivate(org, topic: ids[0], connection: connection)
            #expect(try await moto.keys(prefix: "ah/withdrawals/").count == 1)
        }
    }
}
