import Foundation
import Logging
import PostgresNIO
import SharedModels

/// LLM calls and tokens per org per month, in the `classifier` schema.
struct UsageRepository: Sendable {
    let client: PostgresClient

    func callsThisMonth(orgID: OrgID, logger: Logger) async throws -> Int {
        let rows = try await self.client.query(
            "SELECT calls FROM llm_usage WHERE org_id = \(orgID.rawValue) AND month = date_trunc('month', now() AT TIME ZONE 'UTC')::date",
            logger: logger
        )
        for try await calls in rows.decode(Int.self) { return calls }
        return 0
    }

    func record(orgID: OrgID, calls: Int, inputTokens: Int, outputTokens: Int, logger: Logger) async throws {
        try await self.client.query(
            """
            INSERT INTO llm_usage (org_id, month, calls, input_tokens, output_tokens)
            VALUES (\(orgID.rawValue), date_trunc('month', now() AT TIME ZONE 'UTC')::date, \(calls), \(inputTokens), \(outputTokens))
            ON CONFLICT (org_id, month) DO UPDATE SET calls = llm_usage.calls + EXCLUDED.calls,
                input_tokens = llm_usage.input_tokens + EXCLUDED.input_tokens,
                output_tokens = llm_usage.output_tokens + EXCLUDED.output_tokens
            """,
            logger: logger
        )
    }
}
