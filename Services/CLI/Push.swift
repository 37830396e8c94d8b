import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1
import SharedModels

/// `audiencehub push`: pushes topics to an outbound connection's platform, 25 per call, as the web UI does.
struct Push: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Push topics to an outbound connection: plan them, then send them 25 at a time, showing progress.",
        discussion: """
            Topic ids come from --topic (repeatable) and --topics-file (one per line; - reads stdin). Progress goes to \
            stderr, a line per batch; the summary (with --json, the final run status) to stdout. Exit status: 0 when \
            every topic was pushed or skipped, 3 when some failed, 1 when the run failed.
            """
    )

    @OptionGroup var options: GatewayOptions
    @Option(help: "The outbound connection (conn_…).", transform: Sync.connectionID) var connection: ConnectionID
    @Option(name: .customLong("topic"), help: "A library topic id (ot_…); repeat for more.") var topics: [String] = []
    @Option(help: "A file of topic ids, one per line (- for stdin).") var topicsFile: String?
    @Option(help: "Price per thousand, e.g. 2.50 (default: the connection's default_cpm).") var cpm: Double?
    @Option(help: "ISO 4217 currency (default: the connection's, else USD).") var currency: String?
    @Flag(help: "Only plan: show what each topic would become, write nothing.") var dryRun = false
    @Flag(help: "Send unchanged segments again instead of skipping them.") var force = false
    @Option(help: "API key (env AUDIENCEHUB_API_KEY).") var apiKey: String?
    @Flag(help: "Print the final run status (or the plan) as JSON instead of the summary.") var json = false

    func validate() throws {
        _ = try Sync.resolveAPIKey(self.apiKey, environment: ProcessInfo.processInfo.environment)
        if self.topics.isEmpty && self.topicsFile == nil { throw ValidationError("Name topics with --topic or --topics-file.") }
    }

    func run() async throws {
        let apiKey = try Sync.resolveAPIKey(self.apiKey, environment: ProcessInfo.processInfo.environment)
        let ids = self.topics + (try self.topicsFile.map(Self.readIDs) ?? [])
        guard !ids.isEmpty else { throw ValidationError("No topic ids were given.") }
        var body: [String: JSONValue] = ["topicIds": .array(ids.map(JSONValue.string)), "dryRun": .bool(self.dryRun), "force": .bool(self.force)]
        if let cpm = self.cpm { body["cpm"] = .number(cpm) }
        if let currency = self.currency { body["currency"] = .string(currency) }
        let client = GatewayClient(baseURL: self.options.gateway, apiKey: apiKey)
        let runPath = "/api/connections/\(self.connection)/push/run"
        let request = try JSONCoding.encoder.encode(JSONValue.object(body))
        if self.dryRun {
            let plan = try await client.send(.POST, runPath, body: request, as: JSONValue.self)
            print(self.json ? String(decoding: try JSONCoding.encoder.encode(plan), as: UTF8.self) : Self.planText(plan))
            return
        }
        // The gateway's answer is kept whole for --json; the CLI reads what it needs of it.
        var answer = try await client.send(.POST, runPath, body: request, as: JSONValue.self)
        var status = try Self.status(answer)
        StandardError.write("push run \(status.runId): \(status.total) topics, plan \(Self.planLine(status.plan))\n")
        while !status.done {
            // A batch of 25 platform calls, each with retries and rate-limit waits: minutes at worst.
            answer = try await client.send(.POST, "\(runPath)/\(status.runId)/push", timeout: .minutes(10), as: JSONValue.self)
            status = try Self.status(answer)
            StandardError.write("  \(status.line)\n")
        }
        if self.json {
            print(String(decoding: try JSONCoding.encoder.encode(answer), as: UTF8.self))
        } else {
            print(Self.summary(status))
        }
        let code = Self.exitCode(status)
        if code != 0 { throw ExitCode(code) }
    }

    static func status(_ answer: JSONValue) throws -> PushRunStatus {
        do {
            return try JSONCoding.decoder.decode(PushRunStatus.self, from: try JSONCoding.encoder.encode(answer))
        } catch {
            throw GatewayError.malformed("push run status: \(error)")
        }
    }

    static func exitCode(_ status: PushRunStatus) -> Int32 {
        if status.status == "failed" { return 1 }
        return status.failed > 0 ? 3 : 0
    }

    static func summary(_ status: PushRunStatus) -> String {
        var lines = ["push run \(status.runId) \(status.status): \(status.line)"]
        for failure in status.errors.prefix(10) { lines.append("  \(failure.topicId): \(failure.code): \(failure.message)") }
        if status.errorCount > 10 { lines.append("  … \(status.errorCount - 10) more (GET …/push/run/\(status.runId)/status lists up to 500)") }
        return lines.joined(separator: "\n")
    }

    static func planLine(_ plan: [String: Int]) -> String {
        ["create", "update", "deactivate", "skip"].map { "\($0) \(plan[$0] ?? 0)" }.joined(separator: ", ")
    }

    static func planText(_ plan: JSONValue) -> String {
        guard case .object(let fields) = plan, case .object(let counts)? = fields["plan"] else { return "no plan in the answer" }
        var numbers: [String: Int] = [:]
        for (action, value) in counts { if case .number(let count) = value { numbers[action] = Int(count) } }
        var lines = ["dry run: \(Self.planLine(numbers))"]
        if case .array(let items)? = fields["items"] {
            for case .object(let item) in items {
                let action = item["action"]?.idText ?? "?"
                let name = item["name"]?.idText ?? ""
                let failure = (item["error"]).flatMap { value -> String? in
                    guard case .object(let error) = value else { return nil }
                    return error["message"]?.idText
                }
                lines.append("  \(item["topicId"]?.idText ?? "?")  \(action)  \(failure.map { "cannot push: \($0)" } ?? name)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Ids one per line; blank lines and `#` comments are skipped.
    static func readIDs(_ path: String) throws -> [String] {
        let text: String
        if path == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("Cannot read \(path).") }
            text = String(decoding: data, as: UTF8.self)
        }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
}
