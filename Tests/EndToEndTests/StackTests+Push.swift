import Foundation
import NIOHTTP1
import ServiceKit
import SharedModels
import TestSupport
import Testing

/// Push runs across real processes: gateway → activation-service → connections-service (credentials),
/// topics-service (the topics and their history), classifier-service (the names) → the platform, a fake speaking its
/// wire format in this process.
extension StackTests {
    /// An org whose library holds what a sync of sample-source leaves (its 500 records, less the duplicates among
    /// them), and the ids of the first `count` topics, or of all when there are fewer.
    func pushOrg(topics count: Int) async throws -> (SyncOrg, [String]) {
        try await self.sample(.DELETE, "/admin/faults")
        let org = try await self.syncOrg()
        let status = try await self.syncToEnd(org, try await self.sampleConnection(org))
        try #require(status.status == .completed)
        var ids: [String] = []
        var page = 1
        while ids.count < count {
            let list = try await Exchange.send(.GET, LiveStack.gateway + "/api/topics?pageSize=100&sortBy=topic_name&page=\(page)", headers: org.auth)
            let topics = try list.decode(Page<Topic>.self).data
            if topics.isEmpty { break }
            ids += topics.map(\.id.rawValue)
            page += 1
        }
        try #require(ids.count >= 60)
        return (org, Array(ids.prefix(count)))
    }

    func outbound(_ org: SyncOrg, platform: String, config: JSONValue, credentials: JSONValue, authType: String = "bearer") async throws -> ConnectionID {
        let body: JSONValue = [
            "name": .string(unique("DSP \(platform)")), "platform": .string(platform), "direction": "outbound", "authType": .string(authType),
            "config": config, "credentials": credentials,
        ]
        let created = try await Exchange.send(.POST, LiveStack.gateway + "/api/connections", headers: ["Cookie": org.cookie], json: body)
        try #require(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
        return try created.decode(Connection.self).id
    }

    /// Creates a push run and pushes batches until it is done, as the UI does; the final status and the batch calls
    /// made. `between` runs after the first batch (to expire a token, say).
    func pushToEnd(
        _ org: SyncOrg, _ connection: ConnectionID, _ ids: [String], extra: [String: JSONValue] = [:], between: @Sendable () -> Void = {}
    ) async throws -> (PushRunStatus, Int) {
        let base = LiveStack.gateway + "/api/connections/\(connection)/push/run"
        var body: [String: JSONValue] = ["topicIds": .array(ids.map(JSONValue.string))]
        body.merge(extra) { $1 }
        let created = try await Exchange.send(.POST, base, headers: org.auth, json: JSONValue.object(body))
        try #require(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
        var status = try created.decode(PushRunStatus.self)
        var calls = 0
        while !status.done {
            calls += 1
            try #require(calls < 100, "the push run never ended")
            let batch = try await Exchange.send(.POST, "\(base)/\(status.runId)/push", headers: org.auth)
            try #require(batch.status == 200, "\(String(decoding: batch.body, as: UTF8.self))")
            status = try batch.decode(PushRunStatus.self)
            if calls == 1 { between() }
        }
        let final = try await Exchange.send(.GET, "\(base)/\(status.runId)/status", headers: org.auth)
        return (try final.decode(PushRunStatus.self), calls)
    }

    func activations(_ org: SyncOrg, _ query: String) async throws -> JSONValue {
        let answer = try await Exchange.send(.GET, LiveStack.gateway + "/api/activations?\(query)", headers: org.auth)
        try #require(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
        return try answer.decode(JSONValue.self)
    }

    @Test func sixtyTopicsArePushedToACustomPlatformInThreeBatchesThenSkippedUpdatedAndDeactivated() async throws {
        let (org, ids) = try await self.pushOrg(topics: 60)
        let platform = FakeCustomPlatform(token: "dsp-\(UUID().uuidString)")
        try await platform.run { base in
            let connection = try await self.outbound(
                org, platform: "custom_api", config: ["api_base_url": .string(base), "currency": "USD", "default_cpm": 2.5],
                credentials: ["token": .string(platform.token)]
            )
            // A dry run plans 60 creates and writes nothing.
            let dry = try await Exchange.send(
                .POST, LiveStack.gateway + "/api/connections/\(connection)/push/run", headers: org.auth,
                json: ["topicIds": .array(ids.map(JSONValue.string)), "dryRun": true] as JSONValue
            )
            #expect(dry.status == 200)
            let plan = try dry.decode(JSONValue.self)
            #expect(plan.field("plan")?.field("create") == 60)
            #expect(platform.calls == 0)
            #expect(try await self.activations(org, "connectionId=\(connection)").field("total") == 0)

            let (first, calls) = try await self.pushToEnd(org, connection, ids)
            #expect(calls == 3)
            #expect(first.status == "completed")
            #expect(first.pushed == 60 && first.failed == 0 && first.plan["create"] == 60)
            #expect(platform.segments.count == 60)
            #expect(platform.segments.allSatisfy { $0.price == 2.5 && $0.currency == "USD" && $0.externalID?.hasPrefix("ot_") == true })
            let listed = try await self.activations(org, "connectionId=\(connection)&status=active&pageSize=100")
            #expect(listed.field("total") == 60)

            // Unchanged: all skipped, nothing sent.
            let writes = platform.writes
            let (again, againCalls) = try await self.pushToEnd(org, connection, ids)
            #expect(again.skipped == 60 && again.pushed == 0 && againCalls == 0)
            #expect(platform.writes == writes)

            // A renamed topic is updated in place, never duplicated; the rest are skipped.
            let renamed = try await Exchange.send(
                .PATCH, LiveStack.gateway + "/api/topics/\(ids[0])", headers: org.auth, json: ["topic_name": "Renamed Push Segment"] as JSONValue
            )
            try #require(renamed.status == 200, "\(String(decoding: renamed.body, as: UTF8.self))")
            let (update, _) = try await self.pushToEnd(org, connection, ids)
            #expect(update.plan["update"] == 1 && update.skipped == 59 && update.pushed == 1)
            #expect(platform.segments.count == 60)
            #expect(platform.segments.contains { $0.name.contains("Renamed Push Segment") })

            // A new CPM updates every segment.
            let (repriced, _) = try await self.pushToEnd(org, connection, Array(ids.prefix(5)), extra: ["cpm": 3.1])
            #expect(repriced.plan["update"] == 5)
            #expect(platform.segments.filter { $0.price == 3.1 }.count == 5)

            // Deactivate one through the API: the platform hears it, the activation is inactive, the topic's history says so.
            let one = try await self.activations(org, "topicId=\(ids[1])&connectionId=\(connection)")
            guard case .array(let rows)? = one.field("data"), case .string(let activationID)? = rows.first?.field("id") else {
                Issue.record("no activation for \(ids[1])")
                return
            }
            let deactivated = try await Exchange.send(.POST, LiveStack.gateway + "/api/activations/\(activationID)/deactivate", headers: org.auth)
            #expect(deactivated.status == 200)
            #expect(try deactivated.decode(JSONValue.self).field("deactivated") == 1)
            #expect(platform.segments.filter { $0.status == "inactive" }.count == 1)
            #expect(try await self.activations(org, "connectionId=\(connection)&status=inactive").field("total") == 1)
            let history = try await Exchange.send(.GET, LiveStack.gateway + "/api/topics/\(ids[1])/history", headers: org.auth)
            let types = try history.decode(JSONValue.self)
            let body = String(decoding: history.body, as: UTF8.self)
            #expect(body.contains("\"deactivated\"") && body.contains("\"activated\""), "\(types)")

            // The activation status topics-service shows comes from here.
            let status = try await Exchange.send(.GET, LiveStack.gateway + "/api/topics/activation-status", headers: org.auth)
            let mapping = try status.decode(JSONValue.self)
            guard case .array(let platforms)? = mapping.field(ids[2]) else {
                Issue.record("no activation status for \(ids[2]): \(mapping)")
                return
            }
            #expect(platforms.first?.field("status") == "active")
            #expect(platforms.first?.field("platform") == "custom_api")

            // The connection's runs, newest first: the dry run left none.
            let runs = try await Exchange.send(.GET, LiveStack.gateway + "/api/connections/\(connection)/push/runs?pageSize=2", headers: org.auth)
            let listedRuns = try runs.decode(JSONValue.self)
            #expect(listedRuns.field("total") == 4 && listedRuns.field("totalPages") == 2)
            guard case .array(let newest)? = listedRuns.field("data") else {
                Issue.record("no runs: \(listedRuns)")
                return
            }
            #expect(newest.count == 2 && newest.first?.field("total") == 5)

            // Secrets never come back.
            for answer in [dry, deactivated, status] { #expect(!String(decoding: answer.body, as: UTF8.self).contains(platform.token)) }
        }
    }

    @Test func aRunWhereEverySegmentFailsStoresAtMost500ErrorsAndCountsThemAll() async throws {
        let (org, ids) = try await self.pushOrg(topics: 500)
        let platform = FakeCustomPlatform(token: "dsp-\(UUID().uuidString)")
        platform.rejectAll(true)
        try await platform.run { base in
            let connection = try await self.outbound(
                org, platform: "custom_api", config: ["api_base_url": .string(base)], credentials: ["token": .string(platform.token)]
            )
            // Topics the library does not have fail too, before anything is sent: 520 failures in all.
            let missing = (ids.count..<520).map { "ot_missing\($0)" }
            let (status, calls) = try await self.pushToEnd(org, connection, ids + missing)
            #expect(status.status == "failed")
            #expect(calls == (ids.count + 24) / 25)
            #expect(status.failed == 520 && status.errorCount == 520 && status.storedErrors == 500 && status.errors.count == 500)
            #expect(status.errors.contains { $0.code == "topic_not_found" })
            #expect(status.errors.contains { $0.code == "rejected" && $0.message.contains("is not allowed") })
            #expect(try await self.activations(org, "connectionId=\(connection)").field("total") == 0)
        }
    }

    @Test func pushRunsRefuseBadInputAndASecondRunWhileOneIsActive() async throws {
        let (org, ids) = try await self.pushOrg(topics: 30)
        let platform = FakeCustomPlatform(token: "dsp-\(UUID().uuidString)")
        try await platform.run { base in
            let connection = try await self.outbound(
                org, platform: "custom_api", config: ["api_base_url": .string(base)], credentials: ["token": .string(platform.token)]
            )
            let url = LiveStack.gateway + "/api/connections/\(connection)/push/run"
            for bad: JSONValue in [[:], ["topicIds": []], ["topicIds": [1]], ["topicIds": ["a"], "cpm": -1], ["topicIds": ["a"], "currency": "XXQ"], ["topicIds": ["a"], "bogus": 1]] {
                let answer = try await Exchange.send(.POST, url, headers: org.auth, json: bad)
                #expect(answer.status == 400 && answer.errorCode == "invalid_request", "\(bad)")
            }
            let created = try await Exchange.send(.POST, url, headers: org.auth, json: ["topicIds": .array(ids.map(JSONValue.string))] as JSONValue)
            #expect(created.status == 201)
            let second = try await Exchange.send(.POST, url, headers: org.auth, json: ["topicIds": .array(ids.map(JSONValue.string))] as JSONValue)
            #expect(second.status == 409 && second.errorCode == "push_in_progress")
            // Two batch calls at once push disjoint batches: every topic once.
            let runID = try created.decode(PushRunStatus.self).runId
            async let a = Exchange.send(.POST, "\(url)/\(runID)/push", headers: org.auth)
            async let b = Exchange.send(.POST, "\(url)/\(runID)/push", headers: org.auth)
            let (first, other) = try await (a, b)
            #expect(first.status == 200 && other.status == 200)
            #expect(platform.segments.count == 30)
            #expect(Set(platform.segments.compactMap(\.externalID)).count == 30)
            let unknownRun = try await Exchange.send(.GET, "\(url)/push_01ARZ3NDEKTSV4RRFFQ69G5FAV/status", headers: org.auth)
            #expect(unknownRun.status == 404 && unknownRun.errorCode == "push_run_not_found")
            let inbound = try await self.sampleConnection(org)
            let wrongWay = try await Exchange.send(
                .POST, LiveStack.gateway + "/api/connections/\(inbound)/push/run", headers: org.auth, json: ["topicIds": ["a"]] as JSONValue
            )
            #expect(wrongWay.status == 400 && wrongWay.errorCode == "not_outbound")

            // Activations: filters and deactivation bodies are checked too.
            for query in ["status=bogus", "platform=myspace", "pageSize=0", "page=x", "sortBy=name"] {
                let answer = try await Exchange.send(.GET, LiveStack.gateway + "/api/activations?\(query)", headers: org.auth)
                #expect(answer.status == 400 && answer.errorCode == "invalid_parameter", "\(query)")
            }
            for bad: JSONValue in [[:], ["ids": []], ["ids": [1]], ["ids": .array(Array(repeating: "act_x", count: 101))]] {
                let answer = try await Exchange.send(.POST, LiveStack.gateway + "/api/activations/deactivate", headers: org.auth, json: bad)
                #expect(answer.status == 400, "\(bad)")
            }
            let unknown = try await Exchange.send(.POST, LiveStack.gateway + "/api/activations/act_missing/deactivate", headers: org.auth)
            #expect(unknown.status == 404 && unknown.errorCode == "activation_not_found")
        }
    }

    @Test func theCLIPushesTopicsFromAFileAndExits3WhenSomeFail() async throws {
        let (org, ids) = try await self.pushOrg(topics: 30)
        let platform = FakeCustomPlatform(token: "dsp-\(UUID().uuidString)")
        try await platform.run { base in
            let connection = try await self.outbound(
                org, platform: "custom_api", config: ["api_base_url": .string(base)], credentials: ["token": .string(platform.token)]
            )
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("ah-push-\(UUID().uuidString).txt")
            try (["# topics to push"] + ids.dropFirst() + [""]).joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let key = String(try #require(org.auth["Authorization"]).dropFirst("Bearer ".count))
            func cli(_ arguments: [String]) throws -> (status: Int32, output: String) {
                let result = try Scripts.execute(
                    (ProcessInfo.processInfo.environment["AH_BIN_DIR"] ?? Scripts.root.appendingPathComponent(".build/debug").path) + "/audiencehub",
                    ["push", "--connection", connection.rawValue] + arguments, environment: ["AUDIENCEHUB_URL": LiveStack.gateway, "AUDIENCEHUB_API_KEY": key]
                )
                return (result.status, result.output)
            }
            let dry = try cli(["--topics-file", file.path, "--dry-run"])
            #expect(dry.status == 0 && dry.output.contains("dry run: create 29, update 0, deactivate 0, skip 0"), "\(dry.output)")
            #expect(platform.segments.isEmpty)

            let pushed = try cli(["--topics-file", file.path, "--topic", ids[0], "--topic", "ot_missing", "--cpm", "1.25", "--json"])
            #expect(pushed.status == 3, "\(pushed.output)")
            let json = try #require(pushed.output.split(separator: "\n").last { $0.hasPrefix("{") })
            let status = try JSONCoding.decoder.decode(PushRunStatus.self, from: Data(json.utf8))
            #expect(status.pushed == 30 && status.failed == 1 && status.errors.first?.code == "topic_not_found")
            #expect(platform.segments.count == 30 && platform.segments.allSatisfy { $0.price == 1.25 })
            #expect(!pushed.output.contains(key) && !pushed.output.contains(platform.token))
        }
    }
}
