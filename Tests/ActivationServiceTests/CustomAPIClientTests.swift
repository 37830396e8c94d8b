import Connectors
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceKit
import SharedModels
import TestSupport
import Testing

@testable import ActivationService

/// The custom REST platform client against a fake platform speaking the seed's wire format.
@Suite struct CustomAPIClientTests {
    let logger = Logger(label: "test")
    let http = PlatformHTTP.forTests()

    func client(_ base: String, token: String = "platform-token") -> CustomAPIClient {
        CustomAPIClient(baseURL: base, authType: .bearer, credentials: ["token": token], http: self.http, logger: self.logger)
    }

    @Test func aSegmentIsCreatedUpdatedReadAndDeactivatedWithMoneyAsCents() async throws {
        let platform = FakeCustomPlatform()
        try await platform.run { base in
            let client = self.client(base)
            let id = try await client.createSegment(
                CreateSegmentParams(key: "ot_test", name: "Auto > EV > Tesla Buyers", description: "EV intenders", cpmCents: 250, currency: "USD")
            ).id
            #expect(platform.segments.first?.price == 2.5)
            #expect(try await client.findSegment(key: "ot_test", name: "")?.id == id)
            #expect(try await client.findSegment(key: "ot_other", name: "") == nil)
            try await client.updateSegment(id, UpdateSegmentParams(name: "Auto > EV > Tesla Model 3 Buyers", description: "EV", cpmCents: 175))
            #expect(try await client.getSegment(id) == PlatformSegment(id: id, name: "Auto > EV > Tesla Model 3 Buyers", status: "active"))
            #expect(platform.segments.first?.price == 1.75)
            try await client.deactivateSegment(id)
            #expect(try await client.getSegment(id)?.status == "inactive")
            #expect(try await client.getSegment("seg-404") == nil)
            try await client.deactivateSegment("seg-404")
        }
    }

    @Test func rateLimitsAreWaitedOutWithoutUsingTriesAndServerErrorsAreTriedThreeTimes() async throws {
        let platform = FakeCustomPlatform()
        try await platform.run { base in
            let client = self.client(base)
            platform.faults.rateLimitNext(4)
            let id = try await client.createSegment(CreateSegmentParams(key: "ot_test", name: "A", description: "", cpmCents: 100, currency: "USD")).id
            #expect(platform.calls == 5)
            platform.faults.failNext(2)
            try await client.updateSegment(id, UpdateSegmentParams(name: "B", description: "", cpmCents: nil))
            #expect(platform.segments.first?.name == "B")
            platform.faults.failNext(3)
            await #expect {
                try await client.updateSegment(id, UpdateSegmentParams(name: "C", description: "", cpmCents: nil))
            } throws: { error in
                (error as? PlatformError)?.code == "platform_unavailable" && (error as? PlatformError)?.message.contains("after 3 tries") == true
            }
            #expect(platform.segments.first?.name == "B")
        }
    }

    @Test func aRejectedSegmentCarriesThePlatformsMessageAndIsNotRetried() async throws {
        let platform = FakeCustomPlatform()
        try await platform.run { base in
            let before = platform.calls
            await #expect {
                _ = try await self.client(base).createSegment(CreateSegmentParams(key: "ot_test", name: "REJECT me", description: "", cpmCents: 100, currency: "USD"))
            } throws: { error in
                guard let error = error as? PlatformError else { return false }
                return error.code == "rejected" && error.status == 422 && error.message.contains("segment name 'REJECT me' is not allowed")
            }
            #expect(platform.calls == before + 1)
        }
    }

    @Test func theConnectionTestAuthenticatesAndNamesWhatFailedWithoutTheCredential() async throws {
        let platform = FakeCustomPlatform()
        try await platform.run { base in
            let passed = await self.client(base).testConnection()
            #expect(passed.success)
            let refused = await self.client(base, token: "wrong-secret-123").testConnection()
            #expect(!refused.success)
            #expect(refused.code == "unauthorized")
            #expect(refused.error?.contains("invalid token") == true)
            #expect(refused.error?.contains("wrong-secret-123") == false)
        }
        let unreachable = await self.client("http://127.0.0.1:9").testConnection()
        #expect(unreachable.code == "connection_refused")
    }

    @Test func theInternalRouteTestsAnOutboundConnectionAndNamesTheSettingItMisses() async throws {
        let platform = FakeCustomPlatform()
        try await platform.run { base in
            let app = try await buildApplication(reader: TestDatabase.reader(for: .activation))
            try await app.test(.router) { client in
                func test(_ platformName: Platform, config: [String: JSONValue]) async throws -> ConnectionTestResult {
                    let connection = Connection(
                        id: .generate(), name: "DSP", platform: platformName, direction: .outbound, authType: .bearer, config: config, enabled: true,
                        hasCredentials: true, status: "active", lastTestedAt: nil, lastTestError: nil, createdAt: Date(), updatedAt: Date()
                    )
                    let body = try JSONCoding.encoder.encode(ConnectionSecrets(connection: connection, credentials: ["token": "platform-token"]))
                    let headers: HTTPFields = [
                        .internalToken: TestDatabase.internalToken, .orgID: OrgID.generate().rawValue, .actorType: "session", .actorRole: "owner",
                        .actorID: "usr", .serviceName: "connections-service",
                    ]
                    return try await client.execute(uri: "/platform-test", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
                        #expect(response.status == .ok)
                        return try JSONCoding.decoder.decode(ConnectionTestResult.self, from: Data(response.body.readableBytesView))
                    }
                }
                let custom = try await test(.customAPI, config: ["api_base_url": .string(base)])
                #expect(custom.success)
                let liveRamp = try await test(.liveramp, config: ["currency": "USD"])
                #expect(liveRamp.code == "invalid_config")
                let tradeDesk = try await test(.tradedesk, config: ["currency": "USD"])
                #expect(tradeDesk.code == "invalid_config" && tradeDesk.error?.contains("config.provider_id") == true)
            }
        }
    }
}
