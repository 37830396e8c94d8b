import Foundation
import HTTPTypes
import Hummingbird

/// What every data request goes through after auth: it is counted in the stats, then held to the per-second rate
/// limit, and its answer (errors included) carries the X-RateLimit headers whenever a limit is set.
struct DataTrafficMiddleware<Context: RequestContext>: RouterMiddleware {
    let faults: FaultBoard
    let stats: TrafficStats

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        self.stats.countRequest(route: context.endpointPath ?? request.uri.path)
        guard let limit = self.faults.admit(now: Date()) else {
            return try await next(request, context)
        }
        var response: Response
        if limit.allowed {
            do {
                response = try await next(request, context)
            } catch let error as any HTTPResponseError {
                response = try error.response(from: request, context: context)
            }
        } else {
            response = try SampleSourceError(
                status: .tooManyRequests,
                message: "rate limit exceeded",
                headers: [.retryAfter: String(limit.resetSeconds)]
            ).response(from: request, context: context)
        }
        let values = ["X-RateLimit-Limit": limit.limit, "X-RateLimit-Remaining": limit.remaining, "X-RateLimit-Reset": limit.resetSeconds]
        for (name, value) in values {
            if let name = HTTPField.Name(name) { response.headers[name] = String(value) }
        }
        return response
    }
}
