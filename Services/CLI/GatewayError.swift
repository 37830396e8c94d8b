import SharedModels

/// A call to the gateway that did not get the answer the route promises.
enum GatewayError: Error, Equatable, CustomStringConvertible {
    /// An error status; `code` and `message` come from the error envelope, or from the status when there was none.
    case status(Int, code: String, message: String, details: JSONValue?)
    /// No answer at all: refused, reset or timed out.
    case unreachable(String)
    /// A success status whose body is not what the route answers.
    case malformed(String)

    var code: String? {
        guard case .status(_, let code, _, _) = self else { return nil }
        return code
    }

    /// A string field of the envelope's `details`, such as the `runId` of a 409 `sync_in_progress`.
    func detail(_ key: String) -> String? {
        guard case .status(_, _, _, .object(let details)?) = self, case .string(let value)? = details[key] else { return nil }
        return value
    }

    /// Worth another try for a call the server processes once however often it is sent (the page call).
    var isTransient: Bool {
        switch self {
        case .status(let status, _, _, _): [502, 503, 504].contains(status)
        case .unreachable: true
        case .malformed: false
        }
    }

    var description: String {
        switch self {
        case .status(let status, let code, let message, _): "\(code): \(message) (HTTP \(status))"
        case .unreachable(let reason): "gateway unreachable: \(reason)"
        case .malformed(let reason): "unexpected answer from the gateway: \(reason)"
        }
    }
}
