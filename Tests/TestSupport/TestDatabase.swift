import Configuration
import Foundation
import Logging
import PostgresNIO
import ServiceKit

/// The Postgres cluster `scripts/test` starts for in-process tests (`AH_TEST_PG_PORT`, database `audiencehub_test`),
/// with the same roles and schemas as production. Tests keep out of each other's way with fresh orgs and names.
public enum TestDatabase {
    public static let port = Int(ProcessInfo.processInfo.environment["AH_TEST_PG_PORT"] ?? "") ?? 54339
    public static let name = ProcessInfo.processInfo.environment["AH_TEST_DB_NAME"] ?? "audiencehub_test"

    public static func url(for service: ServiceName, database: String = Self.name) -> String {
        let role = service.databaseRole
        return "postgres://\(role):\(role)-local@127.0.0.1:\(Self.port)/\(database)"
    }

    /// A second database on the test cluster with the same roles and schemas, for a test that must touch
    /// every row of a table without disturbing the others (made by the scripts' own bootstrap).
    public static func makeDatabase(_ name: String) throws {
        let result = try Scripts.execute(
            "/bin/bash",
            ["-c", #"source "$1/scripts/lib/common.sh" && source "$1/scripts/lib/postgres.sh" && pg_bootstrap "$2""#, "bootstrap", Scripts.root.path, name],
            environment: ["AH_PG_PORT": String(Self.port)]
        )
        guard result.status == 0 else { throw DatabaseSetupError(output: result.output) }
    }

    public struct DatabaseSetupError: Error {
        public var output: String
    }

    /// A config reader for building one service in-process against the test database.
    public static func reader(for service: ServiceName, _ extra: [String: String] = [:]) -> ConfigReader {
        let base = [
            "DATABASE_URL": Self.url(for: service), "LOG_LEVEL": "warning", "INTERNAL_TOKEN": TestDatabase.internalToken,
            "BCRYPT_COST": "4",
        ]
        return .environment(base.merging(extra) { $1 })
    }

    public static let internalToken = "test-internal-token"

    /// Runs `body` with a pool connected as `service`'s own role.
    @discardableResult
    public static func withClient<T: Sendable>(
        as service: ServiceName, _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        let url = try DatabaseURL(Self.url(for: service), schema: service.schema)
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: Logger(label: "test"))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
