/// What an API key may do. Sessions carry every scope their user's role allows.
public enum Scope: String, Codable, CaseIterable, Sendable, Comparable {
    case topicsRead = "topics:read"
    case topicsWrite = "topics:write"
    case classify
    case sync
    case activations
    case export

    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Organisation roles, strongest first.
public enum Role: String, Codable, CaseIterable, Sendable {
    case owner, admin, member
}
