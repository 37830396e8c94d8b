import Configuration
import Logging
import ServiceKit
import Testing

@Suite struct ConfigTests {
    @Test func everyServiceHasWorkingLocalDefaults() throws {
        let config = try ServiceConfig(service: .topics, reader: .environment([:]))
        #expect(config.port == 8085)
        #expect(config.host == "127.0.0.1")
        #expect(config.database.username == "ah_topics")
        #expect(config.database.port == ServiceConfig.localDatabasePort)
        #expect(config.database.schema == "topics")
    }

    @Test func environmentOverridesDefaults() throws {
        let reader = ConfigReader.environment([
            "PORT": "19085", "HOST": "0.0.0.0", "DATABASE_URL": "postgres://u:p@db.local:6543/other", "LOG_LEVEL": "debug",
        ])
        let config = try ServiceConfig(service: .topics, reader: reader)
        #expect(config.port == 19085)
        #expect(config.host == "0.0.0.0")
        #expect(config.database.host == "db.local")
        #expect(config.database.database == "other")
        #expect(config.logLevel == .debug)
    }

    @Test func aDatabaseURLThatIsNotPostgresIsRefusedAndThePasswordNeverPrinted() throws {
        #expect(throws: ConfigError.self) { try DatabaseURL("mysql://u:p@h/db", schema: "x") }
        let url = try DatabaseURL("postgres://user:s3cret@h:1/db", schema: "x")
        #expect(!url.description.contains("s3cret"))
    }

    @Test func serviceURLsListReplicasAndRoundRobin() throws {
        let reader = ConfigReader.environment(["CLASSIFIER_SERVICE_URL": "http://127.0.0.1:1/, http://127.0.0.1:2"])
        let endpoints = try ServiceConfig.endpoints(of: .classifier, reader: reader)
        #expect(endpoints.urls == ["http://127.0.0.1:1", "http://127.0.0.1:2"])
        let picks = (0..<4).map { _ in endpoints.pick() }
        #expect(picks == ["http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:1", "http://127.0.0.1:2"])
        #expect(throws: ConfigError.self) { try ServiceEndpoints("ftp://x") }
        #expect(throws: ConfigError.self) { try ServiceEndpoints(" , ") }
    }
}
