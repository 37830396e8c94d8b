import Foundation
import Hummingbird

/// An error answered as `{"error":"…"}`, the flat shape of the customer API this service imitates.
struct SampleSourceError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    var headers: HTTPFields = [:]

    static func badRequest(_ message: String) -> Self { Self(status: .badRequest, message: message) }

    static var unauthorized: Self { Self(status: .unauthorized, message: "unauthorized", headers: [.wwwAuthenticate: "Bearer"]) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONBody.response(["error": self.message], status: self.status)
        response.headers.append(contentsOf: self.headers)
        return response
    }
}
