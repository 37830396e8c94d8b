import Connectors
import Foundation
import Logging
import NIOCore
import ServiceKit
import SharedModels

/// `POST /api/connections/{id}/test`. Inbound (and bidirectional): fetch exactly one record the way a sync would.
/// Outbound: the platform clients live in activation-service, which runs the platform's own test.
struct ConnectionTester: Sendable {
    let fetcher: InboundFetcher
    let activation: InternalClient

    func test(_ secrets: ConnectionSecrets, context: CallContext, logger: Logger) async -> ConnectionTestResult {
        let connection = secrets.connection
        guard connection.direction.pulls else {
            do {
                return try await self.activation.post("/platform-test", secrets, as: ConnectionTestResult.self, context: context, logger: logger)
            } catch {
                return .failure("activation_unavailable", "activation-service could not be reached to test the platform; try again.")
            }
        }
        let config: InboundConfig
        do {
            config = try InboundConfig(stored: connection.config)
        } catch {
            return .failure("invalid_config", "The stored configuration could not be read; save the connection again.")
        }
        let auth = InboundAuth(type: connection.authType, credentials: secrets.credentials, config: config)
        do {
            let position: InboundFetcher.PagePosition = config.paginationType == .offset ? .offset(0) : .cursor(nil)
            let page = try await self.fetcher.fetchPage(config, auth: auth, position: position, limit: 1, logger: logger)
            return Self.result(page: page, config: config)
        } catch let error as InboundError {
            return .failure(error.code, error.message)
        } catch {
            logger.error("connection test failed unexpectedly", metadata: ["error": "\(String(reflecting: error))"])
            return .failure("network", "The test failed unexpectedly.")
        }
    }

    static func result(page: JSONValue, config: InboundConfig) -> ConnectionTestResult {
        let items: JSONValue
        if let path = config.responsePath {
            guard let found = JSONPath(path)?.evaluate(page) else {
                return .failure("path_not_found", "Response path '\(path)' matched nothing in the response.")
            }
            items = found
        } else {
            items = page
        }
        guard case .array(let records) = items else {
            return .failure("not_a_list", "Response path '\(config.responsePath ?? "(root)")' is not a list of records.")
        }
        var result = ConnectionTestResult(success: true, itemCount: records.count, sampleItem: records.first)
        if let sample = records.first, let mapping = config.fieldMappings.first(where: { $0.target == .topicName }),
            JSONPath(mapping.source)?.evaluate(sample) == nil
        {
            result.message = "Connected, but the sample record has no '\(mapping.source)' field, which is mapped to topic_name."
        } else {
            result.message = records.isEmpty ? "Connected; the API returned no records." : "Connected; fetched one record."
        }
        return result
    }
}
