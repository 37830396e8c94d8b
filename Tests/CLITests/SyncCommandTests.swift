import ArgumentParser
@testable import CLI
import SharedModels
import Testing

@Suite struct SyncCommandTests {
    let connection = "conn_01j00000000000000000000000"

    @Test func syncIsASubcommandWithItsOptions() throws {
        let command = try AudienceHub.parseAsRoot(["sync", "--connection", self.connection, "--mode", "ai", "--follow", "--api-key", "k", "--json"])
        let sync = try #require(command as? Sync)
        #expect(sync.connection.rawValue == self.connection)
        #expect(sync.mode == .ai)
        #expect(sync.follow)
        #expect(sync.json)
    }

    @Test func theModeDefaultsToRulesAndFollowToOff() throws {
        let sync = try Sync.parse(["--connection", self.connection, "--api-key", "k"])
        #expect(sync.mode == .rules)
        #expect(!sync.follow)
    }

    @Test func aConnectionIdOfAnotherKindIsRefused() {
        #expect(throws: (any Error).self) { try Sync.parse(["--connection", "run_01j00000000000000000000001", "--api-key", "k"]) }
        #expect(throws: (any Error).self) { try Sync.parse(["--connection", self.connection, "--api-key", "k", "--mode", "magic"]) }
    }

    @Test func theKeyOptionWinsOverTheEnvironmentAndNeitherIsAClearError() throws {
        #expect(try Sync.resolveAPIKey("from-option", environment: ["AUDIENCEHUB_API_KEY": "from-env"]) == "from-option")
        #expect(try Sync.resolveAPIKey(nil, environment: ["AUDIENCEHUB_API_KEY": "from-env"]) == "from-env")
        let error = #expect(throws: ValidationError.self) { try Sync.resolveAPIKey(nil, environment: [:]) }
        #expect(error?.message.contains("AUDIENCEHUB_API_KEY") == true)
        #expect(throws: ValidationError.self) { try Sync.resolveAPIKey("", environment: [:]) }
    }
}
