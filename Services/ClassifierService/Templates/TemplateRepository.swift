import ClassifierEngine
import Foundation
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// Custom output templates per org, in the `classifier` schema.
struct TemplateRepository: Sendable {
    let client: PostgresClient

    static let columns = "key, name, path_fields, separator, description_template, max_length, character_rule"

    func list(orgID: OrgID, logger: Logger) async throws -> [OutputTemplate] {
        let rows = try await self.client.query(
            "SELECT \(unescaped: Self.columns) FROM output_templates WHERE org_id = \(orgID.rawValue) AND active ORDER BY key", logger: logger
        )
        return try await Self.templates(rows)
    }

    func find(orgID: OrgID, key: String, logger: Logger) async throws -> OutputTemplate? {
        let rows = try await self.client.query(
            "SELECT \(unescaped: Self.columns) FROM output_templates WHERE org_id = \(orgID.rawValue) AND key = \(key) AND active",
            logger: logger
        )
        return try await Self.templates(rows).first
    }

    /// Inserts, or (with `replace`) updates; a second create of one key is a 409.
    func save(orgID: OrgID, template: OutputTemplate, replace: Bool, logger: Logger) async throws {
        let query: PostgresQuery = replace
            ? """
                UPDATE output_templates SET name = \(template.name), path_fields = \(template.pathFields), separator = \(template.separator),
                    description_template = \(template.descriptionTemplate), max_length = \(template.maxLength),
                    character_rule = \(template.characterRule.rawValue), updated_at = now()
                WHERE org_id = \(orgID.rawValue) AND key = \(template.key) AND active
                """
            : """
                INSERT INTO output_templates (org_id, key, name, path_fields, separator, description_template, max_length, character_rule)
                VALUES (\(orgID.rawValue), \(template.key), \(template.name), \(template.pathFields), \(template.separator),
                        \(template.descriptionTemplate), \(template.maxLength), \(template.characterRule.rawValue))
                """
        do {
            try await self.client.query(query, logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw AppError.conflict("template_exists", "A template with key \(template.key) exists; PATCH it instead.")
        }
    }

    func delete(orgID: OrgID, key: String, logger: Logger) async throws -> Bool {
        let rows = try await self.client.query(
            "DELETE FROM output_templates WHERE org_id = \(orgID.rawValue) AND key = \(key) RETURNING key", logger: logger
        )
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    private static func templates(_ rows: PostgresRowSequence) async throws -> [OutputTemplate] {
        var templates: [OutputTemplate] = []
        for try await (key, name, fields, separator, description, maxLength, rule) in rows.decode((String, String, [String], String, String, Int, String).self) {
            templates.append(
                OutputTemplate(
                    key: key, name: name, pathFields: fields, separator: separator, descriptionTemplate: description, maxLength: maxLength,
                    characterRule: OutputTemplate.CharacterRule(rawValue: rule) ?? .keep
                )
            )
        }
        return templates
    }
}
