import Foundation

/// The prefix that names what an id points at (`ot_`, `gt_`, `conn_`, `run_`, …).
public protocol IDKind: Sendable {
    static var prefix: String { get }
}

/// A prefixed, time-ordered id: `<prefix>_<26 chars of lowercase Crockford base32 ULID>`.
/// Decoding refuses a value with the wrong prefix, so an `ot_` id can never be used where a `gt_` one is meant.
public struct TypedID<Kind: IDKind>: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init?(rawValue: String) {
        let prefix = Kind.prefix + "_"
        guard rawValue.hasPrefix(prefix), ULID.isValid(rawValue.dropFirst(prefix.count)) else { return nil }
        self.rawValue = rawValue
    }

    public static func generate(at date: Date = Date()) -> Self {
        Self(unchecked: ULID.make(at: date, after: Kind.prefix + "_"))
    }

    private init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { self.rawValue }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let id = Self(rawValue: raw) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a valid \(Kind.prefix)_ id")
            )
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }
}

public enum OrgKind: IDKind { public static let prefix = "org" }
public enum UserKind: IDKind { public static let prefix = "usr" }
public enum APIKeyKind: IDKind { public static let prefix = "key" }
public enum OrgTopicKind: IDKind { public static let prefix = "ot" }
public enum GlobalTopicKind: IDKind { public static let prefix = "gt" }
public enum ConnectionKind: IDKind { public static let prefix = "conn" }
public enum RunKind: IDKind { public static let prefix = "run" }
public enum RequestKind: IDKind { public static let prefix = "req" }
public enum HistoryKind: IDKind { public static let prefix = "hist" }
public enum PushRunKind: IDKind { public static let prefix = "push" }
public enum ActivationKind: IDKind { public static let prefix = "act" }

public typealias OrgID = TypedID<OrgKind>
public typealias UserID = TypedID<UserKind>
public typealias APIKeyID = TypedID<APIKeyKind>
public typealias OrgTopicID = TypedID<OrgTopicKind>
public typealias GlobalTopicID = TypedID<GlobalTopicKind>
public typealias ConnectionID = TypedID<ConnectionKind>
public typealias RunID = TypedID<RunKind>
public typealias RequestID = TypedID<RequestKind>
public typealias HistoryID = TypedID<HistoryKind>
public typealias PushRunID = TypedID<PushRunKind>
public typealias ActivationID = TypedID<ActivationKind>
