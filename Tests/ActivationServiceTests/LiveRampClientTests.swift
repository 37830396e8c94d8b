import Connectors
import Foundation
import Logging
import NIOCore
import SharedModels
import TestSupport
import Testing

@testable import ActivationService

/// The LiveRamp client against a fake speaking the service-account token endpoint and the Data Seller API.
@Suite struct LiveRampClientTests {
    let logger = Logger(label: "test")

    func client(
        _ base: String, _ lr: FakeLiveRamp, tokens: OAuthTokenCache = OAuthTokenCache(), secret: String? = nil, orgID: String? = nil,
        seller: String? = "AudienceHub", timeout: TimeAmount = .seconds(30)
    ) throws -> LiveRampClient {
        var stored: [String: JSONValue] = [
            "api_base_url": .string(base), "token_url": .string(base + "/authn/v1/oauth2/token"), "lr_org_id": .string(orgID ?? lr.orgID),
            "data_source_location": "US",
        ]
        if let seller { stored["seller_name"] = .string(seller) }
        return LiveRampClient(
            config: try OutboundConfig(stored: stored), credentials: ["account_id": lr.accountID, "secret_key": secret ?? lr.secretKey], tokens: tokens,
            http: PlatformHTTP.forTests(timeout: timeout), logger: self.logger
        )
    }

    func params(_ name: String, key: String = "ot_01abc", cents: Int = 325) -> CreateSegmentParams {
        CreateSegmentParams(key: key, name: name, description: "Likely EV intenders", cpmCents: cents, currency: "USD")
    }

    @Test func aCreatedSegmentIsPendingReviewWithTheSellerNameFirstAndItsCPMAsDigitalAdTargetingPrice() async throws {
        let lr = FakeLiveRamp()
        try await lr.run { base in
            let client = try self.client(base, lr)
            let created = try await client.createSegment(self.params("Auto > EV > Tesla Model 3 Buyers"))
            #expect(created.state == .pendingReview)
            let segment = try #require(lr.segment(created.id))
            #expect(segment.name == "AudienceHub > Auto > EV > Tesla Model 3 Buyers")
            #expect(segment.type == "SYNDICATED")
            #expect(segment.description == "Likely EV intenders")
            #expect(segment.dataSourceLocation == "US")
            #expect(segment.useCases == ["digitalAdTargeting"])
            #expect(segment.cpm == 3.25)
            #expect(segment.currency == "USD")
            #expect(try await client.getSegment(created.id) == PlatformSegment(id: created.id, name: segment.name, status: "pending_review"))

            // A name that already begins with the seller name is kept as it is.
            let second = try await client.createSegment(self.params("AudienceHub > Auto > Rivian Buyers", key: "ot_02"))
            #expect(lr.segment(second.id)?.name == "AudienceHub > Auto > Rivian Buyers")

            lr.review(created.id)
            #expect(try await client.getSegment(created.id)?.status == "active")
            #expect(try await client.getSegment("999999") == nil)
        }
    }

    @Test func oneTokenIsSharedByCallsAndByConcurrentCreatesUntilLiveRampRefusesItThenItIsReplacedOnce() async throws {
        let lr = FakeLiveRamp()
        try await lr.run { base in
            let tokens = OAuthTokenCache()
            let client = try self.client(base, lr, tokens: tokens)
            try await withThrowingTaskGroup(of: CreatedSegment.self) { group in
                for index in 0..<6 {
                    group.addTask { try await client.createSegment(self.params("Auto > Buyers \(index)", key: "ot_\(index)")) }
                }
                for try await created in group { #expect(created.state == .pendingReview) }
            }
            #expect(lr.segments.count == 6)
            #expect(lr.tokenRequests == 1)
            // Another client of the same connection (a new push) uses the cached token.
            #expect(try await self.client(base, lr, tokens: tokens).getSegment(lr.segments[0].id) != nil)
            #expect(lr.tokenRequests == 1)

            // LiveRamp answers 403 for an expired token: one new token, and the create is not lost or doubled.
            lr.expireTokens(answering: 403)
            let created = try await client.createSegment(self.params("Auto > After Expiry", key: "ot_x"))
            #expect(lr.tokenRequests == 2)
            #expect(lr.segments.filter { $0.name == "AudienceHub > Auto > After Expiry" }.count == 1)
            lr.expireTokens(answering: 401)
            #expect(try await client.getSegment(created.id)?.id == created.id)
            #expect(lr.tokenRequests == 3)

            // A 403 that a new token does not cure (another org) is refreshed once, then reported.
            let callsBefore = lr.calls
            await #expect {
                _ = try await self.client(base, lr, tokens: tokens, orgID: "org-other").getSegment(created.id)
            } throws: { error in
                guard let error = error as? PlatformError else { return false }
                return error.code == "unauthorized" && error.status == 403 && error.message.contains("not authorized for organization")
                    && error.message.contains("ORG_FORBIDDEN")
            }
            #expect(lr.tokenRequests == 4)
            #expect(lr.calls == callsBefore + 2)
        }
    }

    @Test func rateLimitsAreWaitedOutAndUnavailabilityIsRetried() async throws {
        let lr = FakeLiveRamp()
        try await lr.run { base in
            let client = try self.client(base, lr)
            _ = await client.testConnection()
            let before = lr.calls
            lr.rateLimitNext(4)
            let created = try await client.createSegment(self.params("Auto > Buyers"))
            #expect(lr.calls == before + 5)
            #expect(lr.segments.count == 1)

            lr.failNext(2)
            try await client.updateSegment(created.id, UpdateSegmentParams(name: "Auto > EV Buyers", description: "EV", cpmCents: nil))
            #expect(lr.segment(created.id)?.name == "AudienceHub > Auto > EV Buyers")

            lr.failNext(3)
            await #expect {
                try await client.deactivateSegment(created.id)
            } throws: { error in
                (error as? PlatformError)?.code == "platform_unavailable" && (error as? PlatformError)?.status == 503
            }
            #expect(lr.segment(created.id)?.status == "PENDING_REVIEW")
        }
    }

    @Test func aValidationRefusalCarriesLiveRampsMessageAndCodeButNeverTheCredentials() async throws {
        let lr = FakeLiveRamp()
        try await lr.run { base in
            let client = try self.client(base, lr)
            let before = lr.calls
            await #expect {
                _ = try await client.createSegment(self.params("Auto > REJECT me"))
            } throws: { error in
                guard let error = error as? PlatformError else { return false }
                return error.code == "rejected" && error.status == 422
                    && error.message == "Create segment: Segment name 'AudienceHub > Auto > REJECT me' does not meet the Data Marketplace guidelines (SEGMENT_REJECTED)"
                    && !error.message.contains(lr.secretKey) && !error.description.contains(lr.secretKey)
            }
            // One create: a 422 is not tried again.
            #expect(lr.calls == before + 1)
            #expect(lr.segments.isEmpty)

            let wrong = "wrong-secret-31337"
            await #expect {
                _ = try await self.client(base, lr, secret: wrong).createSegment(self.params("Auto > Buyers"))
            } throws: { error in
                guard let error = error as? PlatformError else { return false }
                return error.code == "unauthorized" && error.message.contains("Invalid service account credentials") && !error.message.contains(wrong)
            }
        }
    }

    @Test func anActiveSegmentKeepsItsFrozenNameWhileItsDescriptionAndPriceChange() async throws {
        let lr = FakeLiveRamp()
        try await lr.run { base in
            let client = try self.client(base, lr)
            let id = try await client.createSegment(self.params("Auto > EV > Tesla Buyers")).id

            // Pending review: everything may change.
            try await client.updateSegment(id, UpdateSegmentParams(name: "Auto > EV > Tesla Model 3 Buyers", description: "v2", cpmCents: 300))
            #expect(lr.segment(id)?.name == "AudienceHub > Auto > EV > Tesla Model 3 Buyers")
            #expect(lr.segment(id)?.cpm == 3.0)

            // Approved: the name stays what buyers see, the rest is updated.
            lr.review(id)
            try await client.updateSegment(id, UpdateSegmentParams(name: "Auto > EV > Model 3 Intenders", description: "v3", cpmCents: 275, currency: "USD"))
            let active = try #require(lr.segment(id))
            #expect(active.name == "AudienceHub > Auto > EV > Tesla Model 3 Buyers")
            #expect(active.description == "v3")
            #expect(active.cpm == 2.75)
            #expect(active.status == "ACTIVE")

            // Distributed: the price is frozen too; the same price is fine, a new one is refused before anything is sent.
            lr.distribute(id)
            try await client.updateSegment(id, UpdateSegmentParams(name: "Auto > EV > Model 3 Intenders", description: "v4", cpmCents: 275))
            #expect(lr.segment(id)?.description == "v4")
            let patches = lr.patches
            await #expect {
                try await client.updateSegment(id, UpdateSegmentParams(name: "Auto > EV > Model 3 Intenders", description: "v5", cpmCents: 400))
            } throws: { error in
                (error as? PlatformError)?.code == "pricing_frozen"
            }
            #expect(lr.patches == patches)
            #expect(lr.segment(id)?.cpm == 2.75)
        }
    }

    @Test func deactivatingMarksTheSegmentInactiveAndAnUnknownSegmentCountsAsDone() async throws {
        let lr = FakeLiveRamp()
        try await lr.run { base in
            let client = try self.client(base, lr)
            let id = try await client.createSegment(self.params("Auto > Buyers")).id
            lr.review(id)
            try await client.deactivateSegment(id)
            #expect(lr.segment(id)?.status == "INACTIVE")
            #expect(try await client.getSegment(id)?.status == "inactive")
            try await client.deactivateSegment("424242")
        }
    }

    @Test func anAmbiguousCreateIsFoundByItsSellerPrefixedNameAcrossPages() async throws {
        let lr = FakeLiveRamp()
        try await lr.run { base in
            let client = try self.client(base, lr)
            // Names that contain the wanted one, so the name filter alone matches more than a page of them.
            for index in 0..<120 {
                _ = try await client.createSegment(self.params("Auto > Tesla Buyers \(index)", key: "ot_\(index)"))
            }
            #expect(try await client.findSegment(key: "ot_new", name: "Auto > Tesla Buyers") == nil)

            // The answer to the create is held past the client's timeout: it was made, but we cannot know.
            lr.delayNext(1, by: .milliseconds(1500))
            await #expect {
                _ = try await self.client(base, lr, timeout: .milliseconds(500)).createSegment(self.params("Auto > Tesla Buyers", key: "ot_new"))
            } throws: { error in
                (error as? PlatformError)?.code == "ambiguous"
            }
            let found = try #require(try await client.findSegment(key: "ot_new", name: "Auto > Tesla Buyers"))
            #expect(found.name == "AudienceHub > Auto > Tesla Buyers")
            #expect(found.status == "pending_review")
            #expect(lr.segment(found.id)?.name == found.name)
            #expect(try await client.findSegment(key: "ot_1", name: "AudienceHub > Auto > Tesla Buyers 1")?.name == "AudienceHub > Auto > Tesla Buyers 1")
        }
    }

    @Test func theConnectionTestUsesARealTokenAndOneReadAndNamesWhatFailed() async throws {
        let lr = FakeLiveRamp()
        try await lr.run { base in
            let ok = try await self.client(base, lr).testConnection()
            #expect(ok.success)
            #expect(lr.tokenRequests == 1)

            let wrong = "not-the-secret-5150"
            let refused = try await self.client(base, lr, secret: wrong).testConnection()
            #expect(refused.success == false)
            #expect(refused.code == "unauthorized")
            #expect(refused.error?.contains("Invalid service account credentials") == true)
            #expect(refused.error?.contains(wrong) == false)

            var stored: [String: JSONValue] = ["api_base_url": .string(base), "token_url": .string(base + "/authn/v1/oauth2/token")]
            let noOrg = LiveRampClient(
                config: try OutboundConfig(stored: stored), credentials: ["username": lr.accountID, "password": lr.secretKey], tokens: OAuthTokenCache(),
                http: PlatformHTTP(), logger: self.logger
            )
            #expect(await noOrg.testConnection().code == "invalid_config")
            stored["lr_org_id"] = .string(lr.orgID)
            let noSeller = LiveRampClient(
                config: try OutboundConfig(stored: stored), credentials: ["username": lr.accountID, "password": lr.secretKey], tokens: OAuthTokenCache(),
                http: PlatformHTTP(), logger: self.logger
            )
            #expect(await noSeller.testConnection().success)
            await #expect {
                _ = try await noSeller.createSegment(self.params("Auto > Buyers"))
            } throws: { error in
                (error as? PlatformError)?.code == "invalid_config"
            }

            let unreachable = try await self.client("http://127.0.0.1:9", lr).testConnection()
            #expect(unreachable.success == false)
            #expect(unreachable.code == "connection_refused")
        }
    }

    @Test func namesAreGivenTheSellerNameOnce() {
        #expect(LiveRampClient.prefixed("Auto > EV", seller: "AudienceHub") == "AudienceHub > Auto > EV")
        #expect(LiveRampClient.prefixed("  AudienceHub>Auto >  EV ", seller: "AudienceHub") == "AudienceHub > Auto > EV")
        #expect(LiveRampClient.prefixed("audiencehub > Auto", seller: "AudienceHub") == "AudienceHub > Auto")
        #expect(LiveRampClient.prefixed("AudienceHubby > Auto", seller: "AudienceHub") == "AudienceHub > AudienceHubby > Auto")
        #expect(LiveRampClient.prefixed("Auto_EV_Tesla_Model_3_Buyers", seller: "AudienceHub") == "AudienceHub > Auto_EV_Tesla_Model_3_Buyers")
    }
}
