import Foundation
import Synchronization

/// The base URLs of one service (several for replicas) and a round-robin choice among them.
public final class ServiceEndpoints: Sendable {
    public let urls: [String]
    private let next = Atomic<Int>(0)

    /// `raw` is one URL or several separated by commas: `http://127.0.0.1:8083,http://127.0.0.1:8183`.
    public init(_ raw: String) throws {
        let urls = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !urls.isEmpty else { throw ConfigError.invalid(key: "SERVICE_URL", reason: "no URL given") }
        for url in urls {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw ConfigError.invalid(key: "SERVICE_URL", reason: "\(url) is not an absolute http(s) URL")
            }
        }
        self.urls = urls.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    /// The next base URL in turn, so calls spread evenly over replicas.
    public func pick() -> String {
        let index = self.next.wrappingAdd(1, ordering: .relaxed).oldValue
        return self.urls[abs(index % self.urls.count)]
    }
}
