import Foundation
import NIOHTTP1
import ServiceKit
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A service process ends cleanly on SIGTERM (swift-service-lifecycle's graceful shutdown), as `scripts/stop` relies on.
@Suite struct ShutdownTests {
    @Test func aServiceExitsZeroOnSIGTERMAfterServing() async throws {
        let binaries = ProcessInfo.processInfo.environment["AH_BIN_DIR"] ?? Scripts.root.appendingPathComponent(".build/debug").path
        let port = 18_985
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("ah-shutdown-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let pid = try Scripts.spawn(
            binaries + "/topics-service", [],
            environment: ["PORT": "\(port)", "DATABASE_URL": TestDatabase.url(for: .topics), "LOG_LEVEL": "info"], outputPath: log
        )
        var healthy = false
        for _ in 0..<150 where !healthy {
            healthy = (try? await Exchange.send(.GET, "http://127.0.0.1:\(port)/health"))?.status == 200
            if !healthy { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(healthy, "topics-service did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        kill(pid, SIGTERM)
        #expect(Scripts.wait(pid) == 0)
    }
}
