import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import SharedModels

/// The one place errors become HTTP: every error leaves as `{"error":{"code","message","details"}}`.
/// Unexpected errors are logged in full at error level and answered as a generic 500, so no SQL or secret leaks.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let appError = Self.appError(for: error, logger: context.logger)
            return Self.response(for: appError)
        }
    }

    static func appError(for error: any Error, logger: Logger) -> AppError {
        switch error {
        case let error as AppError:
            return error
        case let error as PostgresTransactionError where error.closureError != nil:
            // What the transaction's body threw is the error that matters; the rollback around it is bookkeeping.
            return Self.appError(for: error.closureError ?? error, logger: logger)
        case let error as HTTPError:
            return AppError(error.status, code: Self.code(for: error.status), message: error.body ?? error.status.reasonPhrase, headers: error.headers)
        case let error as PSQLError where error.serverInfo?[.sqlState] == "23505":
            logger.warning("unique violation", metadata: ["error": "\(String(reflecting: error))"])
            return .conflict("conflict", "The resource already exists.")
        case let error as any HTTPResponseError:
            return AppError(error.status, code: Self.code(for: error.status), message: error.status.reasonPhrase)
        default:
            logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            return AppError(.internalServerError, code: "internal_error", message: "Internal server error.")
        }
    }

    public static func response(for error: AppError) -> Response {
        let envelope = ErrorEnvelope(code: error.code, message: error.message, details: error.details)
        let body = (try? JSONCoding.encoder.encode(envelope)) ?? Data(#"{"error":{"code":"internal_error","message":""}}"#.utf8)
        var headers = error.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .badRequest: "bad_request"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .contentTooLarge: "payload_too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        case .tooManyRequests: "rate_limited"
        default: status.code < 500 ? "http_\(status.code)" : "internal_error"
        }
    }
}
