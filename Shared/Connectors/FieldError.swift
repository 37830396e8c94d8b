import SharedModels

/// One reason a connection body was refused: which field (dotted: `config.pagination_params.page_size`) and why.
public struct FieldError: Error, Sendable, Equatable {
    public var field: String
    public var reason: String

    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    /// `{"field": …, "reason": …, "errors": [{"field", "reason"}, …]}`: the first error up front, then all of them.
    public static func details(_ errors: [FieldError]) -> JSONValue {
        var details: [String: JSONValue] = [
            "errors": .array(errors.map { .object(["field": .string($0.field), "reason": .string($0.reason)]) })
        ]
        if let first = errors.first {
            details["field"] = .string(first.field)
            details["reason"] = .string(first.reason)
        }
        return .object(details)
    }
}

/// Collects field errors while a body is read, so the caller hears about every problem at once.
struct FieldErrors {
    private(set) var all: [FieldError] = []

    mutating func add(_ field: String, _ reason: String) {
        self.all.append(FieldError(field, reason))
    }

    var isEmpty: Bool { self.all.isEmpty }
}
