import ArgumentParser
import Foundation
import SharedModels

/// `audiencehub sync`: runs a connection's sync to its end the way the web UI does, with live progress on stderr.
struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sync a connection: start a run and process its pages to the end, showing progress.",
        discussion: """
            Progress goes to stderr; the summary (with --json, the final run status) to stdout. Ctrl-C cancels the run \
            after the current page; pressing it again quits at once. Exit status: 0 completed, 1 failed or cancelled \
            elsewhere, 130 cancelled with Ctrl-C.
            """
    )

    @OptionGroup var options: GatewayOptions
    @Option(help: "The connection to sync (conn_…).", transform: Self.connectionID) var connection: ConnectionID
    @Option(help: "How to classify what the run fetches.") var mode: SyncMode = .rules
    @Flag(help: "When the connection already has a run going, drive that run instead of starting one.") var follow = false
    @Option(help: "API key (env AUDIENCEHUB_API_KEY).") var apiKey: String?
    @Flag(help: "Print the final run status as JSON instead of the summary.") var json = false

    func validate() throws {
        _ = try Self.resolveAPIKey(self.apiKey, environment: ProcessInfo.processInfo.environment)
    }

    func run() async throws {
        let apiKey = try Self.resolveAPIKey(self.apiKey, environment: ProcessInfo.processInfo.environment)
        let reporter = SyncProgressReporter(isTerminal: StandardError.isTerminal, width: StandardError.width, write: StandardError.write)
        let interruption = Interruption()
        let monitor = InterruptMonitor(interruption) { presses in
            if presses == 1 {
                reporter.note("cancelling after the current page… (Ctrl-C again to quit now)")
            } else {
                reporter.abandon()
                Self.exit(withError: ExitCode(130))
            }
        }
        defer { monitor.stop() }

        let driver = SyncDriver(
            client: GatewayClient(baseURL: self.options.gateway, apiKey: apiKey), interruption: interruption, report: reporter.handle
        )
        let status: SyncRunStatus
        do {
            defer { reporter.finish() }
            status = try await driver.run(connection: self.connection, mode: self.mode, follow: self.follow)
        }

        if self.json {
            print(String(decoding: try JSONCoding.encoder.encode(status), as: UTF8.self))
        } else {
            print(SyncSummary(status: status, now: Date()).text)
        }
        let code = SyncExitCode.code(for: status.status, interrupted: interruption.isRequested)
        if code != 0 { throw ExitCode(code) }
    }

    static func resolveAPIKey(_ option: String?, environment: [String: String]) throws -> String {
        guard let key = option ?? environment["AUDIENCEHUB_API_KEY"], !key.isEmpty else {
            throw ValidationError("Missing API key: pass --api-key or set AUDIENCEHUB_API_KEY (`audiencehub admin init` prints one).")
        }
        return key
    }

    static func connectionID(_ raw: String) throws -> ConnectionID {
        guard let id = ConnectionID(rawValue: raw) else { throw ValidationError("not a connection id (conn_…)") }
        return id
    }
}
