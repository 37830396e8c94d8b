import HTTPTypes
import Logging
import SharedModels

extension InternalClient {
    /// connections-service's connection with its decrypted credentials (its internal route); 404 `notFoundCode`
    /// when the caller's org has no such connection.
    public func connectionSecrets(
        _ id: ConnectionID, notFoundCode: String = "connection_not_found", context: CallContext, logger: Logger
    ) async throws -> ConnectionSecrets {
        do {
            return try await self.get("/internal/connections/\(id.rawValue)/secrets", as: ConnectionSecrets.self, context: context, logger: logger)
        } catch let error as AppError where error.status == .notFound {
            throw AppError.notFound(notFoundCode, "No connection \(id.rawValue) in this organisation.")
        }
    }
}
