import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceKit
import SharedModels

/// `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`: interactive sessions in an HttpOnly cookie.
struct AuthController: Sendable {
    let accounts: AccountRepository
    let authenticator: Authenticator
    let hasher: PasswordHasher
    let sessionTTLHours: Int
    let cookieSecure: Bool

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("api/auth")
        group.post("login", use: self.login)
        group.post("logout", use: self.logout)
        group.get("me", use: self.me)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: LoginRequest.self, context: context)
        let user = try await self.accounts.user(email: body.email, logger: context.logger)
        guard try await self.hasher.verify(body.password, hash: user?.passwordHash), let user else {
            throw AppError.unauthorized("invalid_credentials", "Email or password is wrong.")
        }
        let token = Secrets.newSessionToken()
        let ttl = self.sessionTTLHours * 3600
        try await self.accounts.createSession(
            tokenHash: Secrets.hash(token), userID: user.id, expiresAt: Date().addingTimeInterval(TimeInterval(ttl)), logger: context.logger
        )
        context.logger.info("login", metadata: ["user_id": "\(user.id)"])
        var response = try self.sessionUser(user).response(from: request, context: context)
        response.setCookie(self.cookie(value: token, maxAge: ttl))
        return response
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let token = request.cookies[Authenticator.sessionCookie]?.value {
            try await self.accounts.deleteSession(tokenHash: Secrets.hash(token), logger: context.logger)
        }
        var response = try ["logged_out": true].response(from: request, context: context)
        response.setCookie(self.cookie(value: "", maxAge: 0))
        return response
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> SessionUser {
        self.sessionUser(try await self.authenticator.sessionUser(request, logger: context.logger))
    }

    private func sessionUser(_ user: UserRecord) -> SessionUser {
        SessionUser(id: user.id, email: user.email, role: user.role, orgId: user.orgID)
    }

    private func cookie(value: String, maxAge: Int) -> Cookie {
        Cookie(name: Authenticator.sessionCookie, value: value, maxAge: maxAge, path: "/", secure: self.cookieSecure, httpOnly: true, sameSite: .lax)
    }
}

extension SessionUser: ResponseEncodable {}
extension APIKeyList: ResponseEncodable {}
extension CreatedAPIKey: ResponseEncodable {}
extension BootstrapResponse: ResponseEncodable {}
