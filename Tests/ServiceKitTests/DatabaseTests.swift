import Foundation
import Logging
import PostgresNIO
import ServiceKit
import TestSupport
import Testing

/// Against the real test cluster: each service's role owns its schema and nothing else.
@Suite struct DatabaseTests {
    let logger = Logger(label: "test")

    @Test func migrationsApplyOnceAndAreRecordedInTheServiceSchema() async throws {
        let table = "probe_\(UUID().uuidString.prefix(8).lowercased())"
        let migrations = [
            Migration(version: 900_001, name: "900001_\(table)", sql: "CREATE TABLE \(table) (id int); INSERT INTO \(table) VALUES (1);")
        ]
        try await TestDatabase.withClient(as: .sync) { client in
            let first = try await MigrationRunner.apply(migrations, on: client, schema: "sync", logger: self.logger)
            let second = try await MigrationRunner.apply(migrations, on: client, schema: "sync", logger: self.logger)
            #expect(first == [900_001])
            #expect(second == [])
            // The unqualified name landed in the service's own schema, through search_path.
            let rows = try await client.query("SELECT count(*) FROM sync.\(unescaped: table)", logger: self.logger)
            for try await count in rows.decode(Int.self) { #expect(count == 1) }
            try await client.query("DROP TABLE \(unescaped: table)", logger: self.logger)
            try await client.query("DELETE FROM schema_migrations WHERE version = 900001", logger: self.logger)
        }
    }

    @Test func theSyncRoleIsRefusedOnTheTopicsSchema() async throws {
        try await TestDatabase.withClient(as: .topics) { client in
            try await MigrationRunner.apply([], on: client, schema: "topics", logger: self.logger)
        }
        let error = await #expect(throws: PSQLError.self) {
            try await TestDatabase.withClient(as: .sync) { client in
                try await client.query("SELECT count(*) FROM topics.schema_migrations", logger: self.logger)
            }
        }
        #expect(error?.serverInfo?[.sqlState] == "42501")  // insufficient_privilege
    }

    @Test func aRoleCannotCreateTablesInPublicOrAnotherSchema() async throws {
        for target in ["public.intruder", "gateway.intruder"] {
            let error = await #expect(throws: PSQLError.self) {
                try await TestDatabase.withClient(as: .topics) { client in
                    try await client.query("CREATE TABLE \(unescaped: target) (id int)", logger: self.logger)
                }
            }
            #expect(error?.serverInfo?[.sqlState] == "42501")
        }
    }

    @Test func migrationFilesAreReadInNumberOrderAndDuplicatesRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "SELECT 2".write(to: directory.appendingPathComponent("010_second.sql"), atomically: true, encoding: .utf8)
        try "SELECT 1".write(to: directory.appendingPathComponent("002_first.sql"), atomically: true, encoding: .utf8)
        #expect(try Migration.load(from: directory).map(\.version) == [2, 10])
        try "SELECT 3".write(to: directory.appendingPathComponent("010_again.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.self) { try Migration.load(from: directory) }
    }
}
