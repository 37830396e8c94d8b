import Connectors
import Logging
import SharedModels

/// The factory by platform: the client for an outbound connection.
struct PlatformClients: Sendable {
    static let tradeDeskAPI = "https://api.thetradedesk.com"

    let http: PlatformHTTP
    let tokens: OAuthTokenCache

    /// The platform's client; `invalid_config` naming what is missing when the connection cannot make one.
    func client(for secrets: ConnectionSecrets, logger: Logger) throws(PlatformError) -> any PlatformClient {
        let connection = secrets.connection
        guard let config = try? OutboundConfig(stored: connection.config) else {
            throw PlatformError(code: "invalid_config", message: "The connection's stored configuration could not be read; save the connection again.")
        }
        switch connection.platform {
        case .customAPI:
            guard let base = config.apiBaseURL else {
                throw PlatformError(code: "invalid_config", message: "custom_api outbound connections need config.api_base_url.")
            }
            return CustomAPIClient(baseURL: base, authType: connection.authType, credentials: secrets.credentials, http: self.http, logger: logger)
        case .tradedesk:
            guard let provider = config.providerID else {
                throw PlatformError(code: "invalid_config", message: "The Trade Desk needs config.provider_id, your third-party data provider id.")
            }
            return TradeDeskClient(
                baseURL: config.apiBaseURL ?? Self.tradeDeskAPI, providerID: provider, credentials: secrets.credentials, tokens: self.tokens,
                http: self.http, logger: logger
            )
        case .liveramp:
            // Always a client: a missing lr_org_id or seller_name fails its calls with `invalid_config`.
            return LiveRampClient(config: config, credentials: secrets.credentials, tokens: self.tokens, http: self.http, logger: logger)
        case .indexexchange:
            // Always a client: missing credentials fail its calls with `unauthorized`.
            return IndexExchangeClient(config: config, credentials: secrets.credentials, http: self.http, logger: logger)
        }
    }
}
