import Connectors
import Foundation
import Logging
import NIOCore
import SharedModels
import TestSupport
import Testing

@testable import ActivationService

/// The Trade Desk client against a fake speaking its third-party data wire format.
@Suite struct TradeDeskClientTests {
    let logger = Logger(label: "test")

    func client(_ base: String, _ ttd: FakeTradeDesk, tokens: OAuthTokenCache = OAuthTokenCache(), password: String? = nil) -> TradeDeskClient {
        TradeDeskClient(
            baseURL: base, providerID: "audiencehub", credentials: ["login": ttd.login, "password": password ?? ttd.password], tokens: tokens,
            http: PlatformHTTP.forTests(), logger: self.logger
        )
    }

    @Test func aNamesPathBecomesAHierarchyUnderROOTWithTheTopicsKeyAsTheLeafAndItsCPMAsADataRate() async throws {
        let ttd = FakeTradeDesk()
        try await ttd.run { base in
            let client = self.client(base, ttd)
            let created = try await client.createSegment(
                CreateSegmentParams(key: "ot_01abc", name: "Auto > EV > Tesla Model 3 Buyers", description: "EV intenders", cpmCents: 325, currency: "USD")
            )
            #expect(created == CreatedSegment(id: "ot_01abc", state: .active))
            let id = created.id
            let elements = ttd.elements
            #expect(elements["ah.auto"]?.parent == "ROOT")
            #expect(elements["ah.auto"]?.buyable == false)
            #expect(elements["ah.auto.ev"]?.parent == "ah.auto")
            let leaf = try #require(elements["ot_01abc"])
            #expect(leaf.parent == "ah.auto.ev")
            #expect(leaf.name == "Tesla Model 3 Buyers")
            #expect(leaf.buyable)
            #expect(leaf.description == "EV intenders")
            #expect(ttd.rates["ot_01abc"] == 3.25)

            // A second segment under the same parents reuses them; renaming updates, never duplicates.
            _ = try await client.createSegment(CreateSegmentParams(key: "ot_02", name: "Auto > EV > Rivian Buyers", description: "", cpmCents: 100, currency: "USD"))
            #expect(ttd.elements.count == 4)
            try await client.updateSegment(id, UpdateSegmentParams(name: "Auto > EV > Tesla Buyers", description: "EV", cpmCents: nil))
            #expect(ttd.elements["ot_01abc"]?.name == "Tesla Buyers")
            #expect(ttd.elements.count == 4)

            #expect(try await client.getSegment(id) == PlatformSegment(id: id, name: "Tesla Buyers", status: "active"))
            try await client.deactivateSegment(id)
            #expect(try await client.getSegment(id)?.status == "inactive")
            #expect(try await client.getSegment("ot_missing") == nil)
        }
    }

    @Test func theTokenIsSharedUntilItExpiresThenRenewedOnce() async throws {
        let ttd = FakeTradeDesk()
        try await ttd.run { base in
            let tokens = OAuthTokenCache()
            #expect(await self.client(base, ttd, tokens: tokens).testConnection().success)
            #expect(await self.client(base, ttd, tokens: tokens).testConnection().success)
            #expect(ttd.tokensIssued == 1)
            ttd.expireToken()
            #expect(await self.client(base, ttd, tokens: tokens).testConnection().success)
            #expect(ttd.tokensIssued == 2)

            let refused = await self.client(base, ttd, tokens: OAuthTokenCache(), password: "wrong-password-42").testConnection()
            #expect(refused.code == "unauthorized")
            #expect(refused.error?.contains("Invalid login or password") == true)
            #expect(refused.error?.contains("wrong-password-42") == false)
        }
    }

    @Test func concurrentCallsWithAnExpiredTokenShareOneNewToken() async throws {
        let ttd = FakeTradeDesk()
        try await ttd.run { base in
            let client = self.client(base, ttd)
            #expect(await client.testConnection().success)
            ttd.expireToken()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        _ = try await client.createSegment(
                            CreateSegmentParams(key: "ot_\(index)", name: "Auto > Buyers \(index)", description: "", cpmCents: 100, currency: "USD")
                        )
                    }
                }
                try await group.waitForAll()
            }
            #expect(ttd.tokensIssued == 2)
            #expect((0..<6).allSatisfy { ttd.elements["ot_\($0)"]?.buyable == true })
        }
    }

    @Test func rateLimitsAndServerErrorsAreRetriedSlowAnswersWaitedForAndARejectionCarriesTheMessage() async throws {
        let ttd = FakeTradeDesk()
        try await ttd.run { base in
            let client = self.client(base, ttd)
            ttd.faults.rateLimitNext(3)
            ttd.faults.delayNext(1, by: .milliseconds(300))
            _ = try await client.createSegment(CreateSegmentParams(key: "ot_1", name: "Auto > Buyers", description: "", cpmCents: 100, currency: "USD"))
            ttd.faults.failNext(2)
            try await client.updateSegment("ot_1", UpdateSegmentParams(name: "Auto > Owners", description: ""))
            #expect(ttd.elements["ot_1"]?.name == "Owners")
            await #expect {
                _ = try await client.createSegment(CreateSegmentParams(key: "ot_2", name: "Auto > REJECT", description: "", cpmCents: 100, currency: "USD"))
            } throws: { error in
                (error as? PlatformError)?.code == "rejected" && (error as? PlatformError)?.message.contains("is not allowed") == true
            }
            ttd.faults.failNext(3)
            await #expect {
                try await client.deactivateSegment("ot_1")
            } throws: { error in
                (error as? PlatformError)?.code == "platform_unavailable"
            }
        }
    }
}
