import Connectors
import Foundation
import ServiceKit
import SharedModels

/// The body of `POST …/push/run`: which topics, at what price, and whether only to plan.
struct PushRequest: Sendable, Equatable {
    static let maxTopics = 10_000

    var topicIDs: [String]
    /// Integer cents; nil means the connection's `default_cpm`.
    var cpmCents: Int?
    var currency: String?
    var dryRun: Bool
    /// Sends unchanged segments again instead of skipping them (after the platform lost them, say).
    var force: Bool

    /// Reads and checks the body; every problem is a 400 `invalid_request` naming its field.
    init(_ body: [String: JSONValue]) throws {
        let known: Set<String> = ["topicIds", "cpm", "currency", "dryRun", "force"]
        if let unknown = body.keys.sorted().first(where: { !known.contains($0) }) {
            throw Self.invalid(unknown, "is not a field of a push run (topicIds, cpm, currency, dryRun, force)")
        }
        guard case .array(let values)? = body["topicIds"], !values.isEmpty, values.count <= Self.maxTopics else {
            throw Self.invalid("topicIds", "must be a list of 1 to \(Self.maxTopics) topic ids")
        }
        var seen = Set<String>()
        self.topicIDs = []
        for value in values {
            guard case .string(let id) = value, !id.isEmpty, id.count <= 100 else { throw Self.invalid("topicIds", "must hold only topic id strings") }
            if seen.insert(id).inserted { self.topicIDs.append(id) }
        }
        switch body["cpm"] {
        case nil, .null?: self.cpmCents = nil
        case .number(let cpm)? where cpm >= 0 && cpm <= 1_000_000: self.cpmCents = Self.cents(cpm)
        default: throw Self.invalid("cpm", "must be a number from 0 to 1000000 (the price per thousand, e.g. 2.50)")
        }
        switch body["currency"] {
        case nil, .null?: self.currency = nil
        case .string(let code)? where Currency.isoCodes.contains(code): self.currency = code
        default: throw Self.invalid("currency", "must be an ISO 4217 code such as USD or EUR")
        }
        self.dryRun = try Self.flag(body, "dryRun")
        self.force = try Self.flag(body, "force")
    }

    /// A price as integer cents, rounded half up from the decimal the caller wrote: 2.675 is 268 cents, although
    /// the nearest binary double times 100 is 267.4999….
    static func cents(_ amount: Double) -> Int {
        guard var exact = Decimal(string: "\(amount)") else { return Int((amount * 100).rounded()) }
        exact *= 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &exact, 0, .plain)
        return NSDecimalNumber(decimal: rounded).intValue
    }

    private static func flag(_ body: [String: JSONValue], _ field: String) throws -> Bool {
        switch body[field] {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        default: throw Self.invalid(field, "must be true or false")
        }
    }

    private static func invalid(_ field: String, _ message: String) -> AppError {
        AppError.badRequest("invalid_request", "\(field) \(message).", details: .object(["field": .string(field)]))
    }
}
