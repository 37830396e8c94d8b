import Foundation
import Logging
import PostgresNIO

/// One numbered `.sql` file of a service's schema (`001_create_orgs.sql`).
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Reads every `NNN_name.sql` in `directory`, ordered by number; refuses two files with one number.
    public static func load(from directory: URL) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
        let migrations = try files.map { file -> Migration in
            let base = file.deletingPathExtension().lastPathComponent
            guard let number = base.split(separator: "_", maxSplits: 1).first.flatMap({ Int($0) }) else {
                throw MigrationError.badFileName(file.lastPathComponent)
            }
            return Migration(version: number, name: base, sql: try String(contentsOf: file, encoding: .utf8))
        }.sorted { $0.version < $1.version }
        for (previous, next) in zip(migrations, migrations.dropFirst()) where previous.version == next.version {
            throw MigrationError.duplicateVersion(next.version)
        }
        return migrations
    }
}

public enum MigrationError: Error, CustomStringConvertible {
    case badFileName(String)
    case duplicateVersion(Int)

    public var description: String {
        switch self {
        case .badFileName(let name): "migration file \(name) must be named NNN_description.sql"
        case .duplicateVersion(let version): "two migrations share the number \(version)"
        }
    }
}

/// Applies a service's migrations to its own schema, each once, recorded in `<schema>.schema_migrations`.
/// All pending files go in one transaction under an advisory lock, so replicas starting together apply them once.
public enum MigrationRunner {
    @discardableResult
    public static func apply(_ migrations: [Migration], on client: PostgresClient, schema: String, logger: Logger) async throws -> [Int] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(schema)))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS \(unescaped: schema).schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                logger: logger
            )
            var applied = Set<Int>()
            let rows = try await connection.query("SELECT version FROM \(unescaped: schema).schema_migrations", logger: logger)
            for try await version in rows.decode(Int.self) {
                applied.insert(version)
            }
            var newlyApplied: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                for statement in SQLScript.statements(in: migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO \(unescaped: schema).schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger
                )
                logger.info("migration applied", metadata: ["migration": "\(migration.name)", "schema": "\(schema)"])
                newlyApplied.append(migration.version)
            }
            return newlyApplied
        }
    }
}
