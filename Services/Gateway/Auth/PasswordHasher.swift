import Foundation
import HTTPTypes
import HummingbirdBcrypt
import Logging
import NIOPosix
import SharedModels

/// bcrypt on the thread pool, so hashing never blocks an event loop.
struct PasswordHasher: Sendable {
    let cost: UInt8
    /// Verified against when the email is unknown, so timing does not tell which emails exist.
    private let decoyHash: String

    init(cost: UInt8) {
        self.cost = cost
        self.decoyHash = Bcrypt.hash("decoy-password", cost: cost)
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String?) async throws -> Bool {
        let target = hash ?? self.decoyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: target) }
        return hash != nil && matches
    }
}
