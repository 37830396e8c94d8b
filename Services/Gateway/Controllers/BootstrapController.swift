import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceKit
import SharedModels

/// `POST /internal/bootstrap` (internal token only), behind `audiencehub admin init`: an org, its owner and an
/// all-scopes API key. Run again with the same email and password, it issues a fresh key for the same org.
struct BootstrapController: Sendable {
    let accounts: AccountRepository
    let hasher: PasswordHasher
    let internalToken: String
    let defaultRateLimitPerMinute: Int

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("internal/bootstrap", use: self.bootstrap)
    }

    @Sendable func bootstrap(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<BootstrapResponse> {
        guard let token = request.headers[.internalToken], ConstantTime.equals(token, self.internalToken) else {
            throw AppError.unauthorized("invalid_internal_token", "Bootstrapping needs the internal token (INTERNAL_TOKEN).")
        }
        let body = try await request.decode(as: BootstrapRequest.self, context: context)
        let orgName = body.org.trimmingCharacters(in: .whitespacesAndNewlines)
        let email = body.email.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !orgName.isEmpty, orgName.count <= 200 else { throw AppError.badRequest("invalid_org", "org must be 1 to 200 characters.") }
        guard email.contains("@"), email.count <= 320 else { throw AppError.badRequest("invalid_email", "email is not an email address.") }
        guard body.password.count >= 8 else { throw AppError.badRequest("weak_password", "password must have at least 8 characters.") }

        let existing = try await self.accounts.user(email: email, logger: context.logger)
        let user: UserRecord
        if let existing {
            guard try await self.hasher.verify(body.password, hash: existing.passwordHash) else {
                throw AppError.conflict("user_exists", "A user with this email exists and the password does not match.")
            }
            user = existing
        } else {
            let hash = try await self.hasher.hash(body.password)
            user = try await self.accounts.createOrg(name: orgName, ownerEmail: email, passwordHash: hash, logger: context.logger)
        }
        let key = Secrets.newAPIKey()
        _ = try await self.accounts.createAPIKey(
            id: .generate(), orgID: user.orgID, createdBy: user.id, name: "bootstrap", key: key, scopes: Scope.allCases,
            rateLimitPerMinute: self.defaultRateLimitPerMinute, logger: context.logger
        )
        context.logger.info("bootstrap", metadata: ["org_id": "\(user.orgID)", "created": "\(existing == nil)"])
        let response = BootstrapResponse(orgId: user.orgID, userId: user.id, apiKey: key, scopes: Scope.allCases, created: existing == nil)
        return EditedResponse(status: existing == nil ? .created : .ok, response: response)
    }
}
