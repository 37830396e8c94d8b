import Hummingbird

/// Requires `Authorization: Bearer <token>`; an empty token leaves the routes open.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard self.token.isEmpty || request.headers[.authorization] == "Bearer \(self.token)" else {
            throw SampleSourceError.unauthorized
        }
        return try await next(request, context)
    }
}
