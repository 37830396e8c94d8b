import Connectors
import Logging
import ServiceKit
import SharedModels

/// An outbound connection as a push uses it: the record, its typed settings and its decrypted credentials.
struct Destination: Sendable {
    var secrets: ConnectionSecrets
    var config: OutboundConfig

    var connection: Connection { self.secrets.connection }

    /// The connection's template, or the platform's built-in one.
    var templateKey: String {
        if let key = self.config.templateKey { return key }
        switch self.connection.platform {
        case .tradedesk: return "tradedesk"
        case .liveramp: return "liveramp"
        case .indexexchange, .customAPI: return "internal"
        }
    }
}

/// connections-service's internal route for a connection and its credentials, checked to be one a push can use.
struct OutboundConnections: Sendable {
    let client: InternalClient

    func destination(_ id: ConnectionID, context: CallContext, logger: Logger) async throws -> Destination {
        let secrets = try await self.client.connectionSecrets(id, context: context, logger: logger)
        let connection = secrets.connection
        guard connection.direction.pushes else {
            throw AppError.badRequest("not_outbound", "Connection \(id.rawValue) is inbound: only outbound connections push segments.")
        }
        guard connection.enabled else {
            throw AppError.conflict("connection_disabled", "Connection \(id.rawValue) is disabled; enable it to push.")
        }
        do {
            return Destination(secrets: secrets, config: try OutboundConfig(stored: connection.config))
        } catch {
            throw AppError.conflict("invalid_config", "The connection's stored configuration could not be read; save the connection again.")
        }
    }
}
