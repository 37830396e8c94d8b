import Connectors
import Foundation
import Logging
import ServiceKit
import SharedModels

/// An inbound connection as a sync uses it: the record, its typed settings and its auth with decrypted credentials.
struct SourceConnection: Sendable {
    var connection: Connection
    var config: InboundConfig
    var auth: InboundAuth

    var pageSize: Int { self.config.paginationParams.pageSize }
}

/// connections-service's internal route for a connection and its credentials.
struct ConnectionsClient: Sendable {
    let client: InternalClient

    /// The connection, checked to be one a sync can pull from. 404 `connection_not_found` (or `channel_not_found`
    /// when the caller named it a channel) when it is not in the caller's org.
    func source(_ id: ConnectionID, notFoundCode: String = "connection_not_found", context: CallContext, logger: Logger) async throws -> SourceConnection {
        let secrets = try await self.client.connectionSecrets(id, notFoundCode: notFoundCode, context: context, logger: logger)
        let connection = secrets.connection
        guard connection.direction.pulls else {
            throw AppError.badRequest("not_inbound", "Connection \(id.rawValue) is \(connection.direction.rawValue): only inbound connections sync.")
        }
        guard connection.enabled else {
            throw AppError.conflict("connection_disabled", "Connection \(id.rawValue) is disabled; enable it to sync.")
        }
        let config: InboundConfig
        do {
            config = try InboundConfig(stored: connection.config)
        } catch {
            throw AppError.conflict("invalid_config", "The connection's stored configuration could not be read; save the connection again.")
        }
        return SourceConnection(connection: connection, config: config, auth: InboundAuth(type: connection.authType, credentials: secrets.credentials, config: config))
    }
}
