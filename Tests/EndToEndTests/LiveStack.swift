import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ServiceKit
import SharedModels
import TestSupport
import Testing

/// A whole second Audience Hub (its own Postgres cluster, all six services, two classifier replicas) started by
/// `scripts/run` exactly as a person would, on ports 18080–18085, and stopped by `scripts/stop` after the suite.
struct LiveStack: SuiteTrait, TestScoping {
    static let gatewayPort = 18080
    static let environment = [
        "AH_STATE_DIR": Scripts.root.appendingPathComponent(".state-e2e").path, "AH_PORT_BASE": "18080", "AH_PG_PORT": "54349",
        "AH_SKIP_BUILD": "1", "AH_PG_FAST": "1", "CLASSIFIER_REPLICAS": "2", "BCRYPT_COST": "4", "LOG_LEVEL": "info",
        // Short leases and polls so a killed sync-service's job is taken over within seconds; quick retries.
        "SYNC_LEASE_SECONDS": "3", "SYNC_POLL_MILLISECONDS": "200", "SYNC_RETRY_BASE_MILLISECONDS": "50", "SAMPLE_RECORDS": "500",
    ]

    static var gateway: String { "http://127.0.0.1:\(Self.gatewayPort)" }
    /// sample-source, the demo's external API, which scripts/run starts beside the services.
    static var sampleSource: String { "http://127.0.0.1:\(Self.gatewayPort + 10)" }

    static func port(of service: ServiceName, replica: Int = 0) -> Int {
        service.defaultPort - 8080 + Self.gatewayPort + 100 * replica
    }

    static var logDirectory: URL { URL(fileURLWithPath: Self.environment["AH_STATE_DIR"] ?? "").appendingPathComponent("logs") }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        guard test.isSuite else { return try await function() }
        let started = try Scripts.run("run", environment: Self.environment)
        try #require(started.status == 0, "scripts/run failed:\n\(started.output)")
        defer { _ = try? Scripts.run("stop", environment: Self.environment) }
        try await function()
    }
}

extension Trait where Self == LiveStack {
    static var liveStack: Self { LiveStack() }
}

/// A plain HTTP exchange with the live stack.
struct Exchange: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    var errorCode: String? { (try? JSONCoding.decoder.decode(ErrorEnvelope.self, from: self.body))?.error.code }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONCoding.decoder.decode(type, from: self.body) }

    static func send(
        _ method: HTTPMethod, _ url: String, headers: [String: String] = [:], json: (any Encodable)? = nil
    ) async throws -> Exchange {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONCoding.encoder.encode(json)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 8 << 20)
        return Exchange(status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
    }
}
