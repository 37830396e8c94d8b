import TestSupport
import Testing

@Suite struct DeploymentTests {
    @Test func theComposeFileValidatesAndMatchesWhatTheScriptsRun() throws {
        let result = try Scripts.run("check-compose")
        #expect(result.status == 0, "\(result.output)")
    }
}
