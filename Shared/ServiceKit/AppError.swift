import HTTPTypes
import SharedModels

/// An error a handler means to show the caller: its status, a stable `code`, a message, optional details.
/// `ErrorMiddleware` is the one place that turns this, and every other error, into an HTTP response.
public struct AppError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var details: JSONValue?
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, details: JSONValue? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    public var description: String { "\(self.status.code) \(self.code): \(self.message)" }

    public static func badRequest(_ code: String, _ message: String, details: JSONValue? = nil) -> AppError {
        AppError(.badRequest, code: code, message: message, details: details)
    }

    public static func notFound(_ code: String = "not_found", _ message: String) -> AppError {
        AppError(.notFound, code: code, message: message)
    }

    public static func unauthorized(_ code: String, _ message: String) -> AppError {
        AppError(.unauthorized, code: code, message: message)
    }

    public static func forbidden(_ code: String, _ message: String, details: JSONValue? = nil) -> AppError {
        AppError(.forbidden, code: code, message: message, details: details)
    }

    public static func conflict(_ code: String, _ message: String, details: JSONValue? = nil) -> AppError {
        AppError(.conflict, code: code, message: message, details: details)
    }

    public static func tooManyRequests(_ code: String, _ message: String, retryAfterSeconds: Int) -> AppError {
        AppError(.tooManyRequests, code: code, message: message, headers: [.retryAfter: String(retryAfterSeconds)])
    }

    public static func unavailable(_ code: String, _ message: String) -> AppError {
        AppError(.serviceUnavailable, code: code, message: message)
    }
}
