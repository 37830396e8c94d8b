/// Headers the gateway sets on every call to an internal service, and services forward to each other.
public enum InternalHeader {
    public static let token = "X-Internal-Token"
    public static let requestID = "X-Request-Id"
    public static let orgID = "X-Org-Id"
    public static let actorID = "X-Actor-Id"
    /// `session` or `api_key`: services that treat credentials need to know an interactive session asked.
    public static let actorType = "X-Actor-Type"
    public static let actorRole = "X-Actor-Role"
    /// The calling service (`sync-service`, …); `gateway` for forwarded public requests.
    public static let serviceName = "X-Service-Name"
}
