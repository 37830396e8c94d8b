/// The six services: where each listens by default, its schema, its Postgres role, and how others find it.
public enum ServiceName: String, CaseIterable, Sendable {
    case gateway
    case connections = "connections-service"
    case sync = "sync-service"
    case classifier = "classifier-service"
    case topics = "topics-service"
    case activation = "activation-service"

    public var defaultPort: Int {
        switch self {
        case .gateway: 8080
        case .connections: 8081
        case .sync: 8082
        case .classifier: 8083
        case .activation: 8084
        case .topics: 8085
        }
    }

    /// The Postgres schema this service owns, and the only one its role may touch.
    public var schema: String {
        switch self {
        case .gateway: "gateway"
        case .connections: "connections"
        case .sync: "sync"
        case .classifier: "classifier"
        case .topics: "topics"
        case .activation: "activation"
        }
    }

    public var databaseRole: String { "ah_\(self.schema)" }

    /// The environment variable that holds this service's base URL(s), comma separated for replicas.
    public var urlVariable: String { "\(self.schema.uppercased())_SERVICE_URL" }
}
