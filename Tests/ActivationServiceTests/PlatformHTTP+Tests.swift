import Connectors
import NIOCore

@testable import ActivationService

extension PlatformHTTP {
    /// Quick retries, and a call timeout generous enough for the full parallel suite: on a busy machine the fakes
    /// have taken over 5 s to answer, and a timed-out token request is retried, which then counts as a second token.
    static func forTests(timeout: TimeAmount = .seconds(30)) -> PlatformHTTP {
        PlatformHTTP(policy: RetryPolicy(baseDelay: .milliseconds(5)), timeout: timeout)
    }
}
