import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL

/// Why a call to a customer's API failed, with a stable code and a message a person can act on.
/// Messages name hosts and statuses, never credentials.
public struct InboundError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String
    /// The HTTP status, when the API answered one.
    public var status: Int?
    /// For a rate limit that outlasted our waits: how long the API last asked to wait.
    public var retryAfterSeconds: Int?

    public init(code: String, message: String, status: Int? = nil, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(self.code): \(self.message)" }

    static func httpStatus(_ status: Int, reason: String, what: String) -> InboundError {
        if status == 401 || status == 403 {
            return InboundError(code: "unauthorized", message: "Authentication failed: \(what) answered \(status) \(reason)", status: status)
        }
        return InboundError(code: "http_status", message: "\(what) answered \(status) \(reason)", status: status)
    }

    /// Names a transport failure: timeout, DNS, refused connection, TLS, or another network error.
    public static func transport(_ error: any Error, host: String, timeoutSeconds: Double) -> InboundError {
        let seconds = timeoutSeconds == timeoutSeconds.rounded() ? "\(Int(timeoutSeconds))" : "\(timeoutSeconds)"
        if let error = error as? HTTPClientError,
            [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(error)
        {
            return InboundError(code: "timeout", message: "Connection timed out after \(seconds) seconds")
        }
        if let error = error as? NIOConnectionError {
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return InboundError(code: "dns", message: "Could not resolve host \(host)")
            }
            return InboundError(code: "connection_refused", message: "Could not connect to \(host)")
        }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED {
            return InboundError(code: "connection_refused", message: "Connection refused by \(host)")
        }
        if error is NIOSSLError || error is BoringSSLError {
            return InboundError(code: "tls", message: "TLS handshake with \(host) failed")
        }
        return InboundError(code: "network", message: "Network error talking to \(host)")
    }
}
