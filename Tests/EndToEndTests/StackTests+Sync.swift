import Foundation
import NIOHTTP1
import ServiceKit
import SharedModels
import TestSupport
import Testing

/// Sync across real processes: gateway → sync-service → connections-service, sample-source (the external API
/// scripts/run starts), topics-service → classifier. sample-source holds 500 records; its faults are reset by
/// every test that sets them.
extension StackTests {
    struct SyncOrg {
        var auth: [String: String]
        var cookie: String
    }

    func syncOrg() async throws -> SyncOrg {
        let (org, email) = try self.bootstrap()
        return SyncOrg(auth: ["Authorization": "Bearer \(org.apiKey)"], cookie: try await self.login(email))
    }

    /// sample-source's admin routes.
    @discardableResult
    func sample(_ method: HTTPMethod, _ path: String, json: JSONValue? = nil) async throws -> Exchange {
        let answer = try await Exchange.send(method, LiveStack.sampleSource + path, headers: ["Authorization": "Bearer sample-token"], json: json)
        try #require((200..<300).contains(answer.status), "sample-source \(path): \(answer.status)")
        return answer
    }

    /// An inbound connection to sample-source; `config` is merged over an offset connection with a count endpoint.
    func sampleConnection(_ org: SyncOrg, config extra: [String: JSONValue] = [:]) async throws -> ConnectionID {
        var config: [String: JSONValue] = [
            "base_url": .string(LiveStack.sampleSource + "/v1/segments"), "response_path": "data.segments",
            "count_endpoint": .string(LiveStack.sampleSource + "/v1/segments/count"), "count_response_path": "count",
            "pagination_type": "offset", "pagination_params": ["page_size": 100],
            "field_mappings": [
                ["source": "name", "target": "topic_name"], ["source": "id", "target": "external_id"],
                ["source": "description", "target": "description"],
            ],
        ]
        config.merge(extra) { $1 }
        let body: JSONValue = [
            "name": .string(unique("Sample Source")), "platform": "custom_api", "direction": "inbound", "authType": "bearer",
            "config": .object(config), "credentials": ["token": "sample-token"],
        ]
        let created = try await Exchange.send(.POST, LiveStack.gateway + "/api/connections", headers: ["Cookie": org.cookie], json: body)
        try #require(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
        return try created.decode(Connection.self).id
    }

    /// Creates a run and asks for pages until it ends, as the UI does.
    func syncToEnd(_ org: SyncOrg, _ connection: ConnectionID, mode: String = "rules") async throws -> SyncRunStatus {
        let base = LiveStack.gateway + "/api/connections/\(connection)/sync/run"
        let created = try await Exchange.send(.POST, base, headers: org.auth, json: ["mode": .string(mode)] as JSONValue)
        try #require(created.status == 200, "\(String(decoding: created.body, as: UTF8.self))")
        var status = try created.decode(SyncRunStatus.self)
        var calls = 0
        while !status.done {
            calls += 1
            try #require(calls < 200, "the run never ended")
            let page = try await Exchange.send(.POST, "\(base)/\(status.runId)/page", headers: org.auth)
            try #require(page.status == 200, "\(String(decoding: page.body, as: UTF8.self))")
            status = try page.decode(SyncRunStatus.self)
        }
        return status
    }

    func expectEveryRecordCounted(_ status: SyncRunStatus, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status.processedCount == status.newCount + status.adoptedCount + status.duplicateCount + status.errorCount, sourceLocation: sourceLocation)
        #expect(status.processedCount == status.fetchedCount, sourceLocation: sourceLocation)
    }

    func libraryTotal(_ org: SyncOrg) async throws -> Int {
        let list = try await Exchange.send(.GET, LiveStack.gateway + "/api/topics?pageSize=1", headers: org.auth)
        return try list.decode(Page<Topic>.self).total
    }

    @Test func anOffsetSyncLandsEveryRecordAndASecondSyncFindsThemAllDuplicates() async throws {
        try await self.sample(.DELETE, "/admin/faults")
        let org = try await self.syncOrg()
        let connection = try await self.sampleConnection(org)

        let first = try await self.syncToEnd(org, connection)
        #expect(first.status == .completed)
        #expect(first.totalItems == 500)
        #expect(first.totalPages == 5)
        #expect(first.processedPages == 5)
        #expect(first.fetchedCount == 500)
        #expect(first.errorCount == 0)
        #expect(first.newCount + first.adoptedCount + first.duplicateCount == 500)
        #expect(first.message == nil)
        self.expectEveryRecordCounted(first)
        #expect(try await self.libraryTotal(org) == first.newCount + first.adoptedCount)

        let second = try await self.syncToEnd(org, connection)
        #expect(second.status == .completed)
        #expect(second.duplicateCount == 500)
        #expect(second.newCount == 0)
        #expect(second.adoptedCount == 0)
        self.expectEveryRecordCounted(second)
        #expect(try await self.libraryTotal(org) == first.newCount + first.adoptedCount)

        // History, newest first, with the seed's columns; a run's detail has its pages and dedup summary.
        let runs = try await Exchange.send(.GET, LiveStack.gateway + "/api/connections/\(connection)/sync/runs", headers: org.auth)
        #expect(runs.status == 200)
        let history = try JSONCoding.decoder.decode(RunsPage.self, from: runs.body)
        #expect(history.data.map(\.runId) == [second.runId, first.runId])
        #expect(history.total == 2)
        let detail = try await Exchange.send(.GET, LiveStack.gateway + "/api/connections/\(connection)/sync/run/\(first.runId)", headers: org.auth)
        #expect(detail.status == 200)
        let json = try JSONCoding.decoder.decode(JSONValue.self, from: detail.body)
        guard case .object(let fields) = json, case .array(let pages)? = fields["pages"], case .object(let summary)? = fields["dedupSummary"] else {
            Issue.record("detail is missing pages or dedupSummary")
            return
        }
        #expect(pages.count == 5)
        #expect(summary["processed"] == 500)

        // A finished run answers its final status to further page calls and changes nothing.
        let after = try await Exchange.send(.POST, LiveStack.gateway + "/api/connections/\(connection)/sync/run/\(second.runId)/page", headers: org.auth)
        var final = second
        final.lastPage = nil
        #expect(try after.decode(SyncRunStatus.self) == final, "after: \(String(decoding: after.body, as: UTF8.self))\nfinal: \(final)")
    }

    @Test func aCursorSyncThroughRateLimitsServerErrorsBrokenJSONAndNamelessRecordsCountsEveryRecord() async throws {
        try await self.sample(
            .PUT, "/admin/faults",
            json: [
                "faults": [
                    ["kind": "rate_limit", "times": 1, "retry_after": "1", "pages": [1]],
                    ["kind": "status", "status": 503, "times": 2, "pages": [2]],
                    ["kind": "malformed", "times": 1, "pages": [3]],
                    ["kind": "nameless", "every": 50],
                ]
            ]
        )
        let org = try await self.syncOrg()
        let connection = try await self.sampleConnection(
            org,
            config: [
                "base_url": .string(LiveStack.sampleSource + "/v1/cursor/segments"), "response_path": "items", "pagination_type": "cursor",
                "pagination_params": ["page_size": 100, "cursor_path": "next_cursor"], "count_endpoint": .null, "count_response_path": .null,
            ]
        )
        let status = try await self.syncToEnd(org, connection)
        try await self.sample(.DELETE, "/admin/faults")
        #expect(status.status == .completed)
        #expect(status.failedPages == 0)
        #expect(status.fetchedCount == 500)
        #expect(status.errorCount == 10)
        #expect(status.newCount + status.adoptedCount + status.duplicateCount == 490)
        self.expectEveryRecordCounted(status)

        let detail = try await Exchange.send(.GET, LiveStack.gateway + "/api/connections/\(connection)/sync/run/\(status.runId)", headers: org.auth)
        let errors = try JSONCoding.decoder.decode(RunDetail.self, from: detail.body).errors
        #expect(errors.count == 10)
        #expect(errors.allSatisfy { $0.reason.contains("topic_name is required") })
        #expect(errors.first?.raw?.contains("\"id\":\"seg-0000049\"") == true)
        #expect(errors.first?.raw?.contains("\"name\"") == false)
    }

    @Test func aPageThatFailsEveryTryIsLoggedAndTheRunGoesOn() async throws {
        try await self.sample(.PUT, "/admin/faults", json: ["faults": [["kind": "status", "status": 500, "times": 100, "pages": [2]]]])
        let org = try await self.syncOrg()
        let connection = try await self.sampleConnection(org)
        let status = try await self.syncToEnd(org, connection)
        try await self.sample(.DELETE, "/admin/faults")
        #expect(status.status == .completed)
        #expect(status.processedPages == 5)
        #expect(status.failedPages == 1)
        #expect(status.fetchedCount == 400)
        #expect(status.message?.contains("reported 500 records but 400 were fetched") == true)
        self.expectEveryRecordCounted(status)
        let detail = try await Exchange.send(.GET, LiveStack.gateway + "/api/connections/\(connection)/sync/run/\(status.runId)", headers: org.auth)
        let errors = try JSONCoding.decoder.decode(RunDetail.self, from: detail.body).errors
        #expect(errors.map(\.reason).contains { $0.contains("Page 3 failed") && $0.contains("500") && $0.contains("after 3 tries") })
    }

    @Test func anAPIThatIgnoresTheOffsetIsNotLoadedForeverNorTwice() async throws {
        try await self.sample(.DELETE, "/admin/faults")
        let org = try await self.syncOrg()
        // sample-source knows no "skip" parameter, so every page is its first page.
        let connection = try await self.sampleConnection(org, config: ["pagination_params": ["page_size": 100, "offset_param": "skip"]])
        let status = try await self.syncToEnd(org, connection)
        #expect(status.status == .completed)
        #expect(status.processedPages == 1)
        #expect(status.fetchedCount == 100)
        #expect(status.message?.contains("answered the same page twice") == true)
        #expect(status.message?.contains("reported 500 records but 100 were fetched") == true)
        #expect(try await self.libraryTotal(org) == status.newCount + status.adoptedCount)
    }

    @Test func badCredentialsAndAnEmptySourceEndTheRunWithTheGuidesMessages() async throws {
        try await self.sample(.DELETE, "/admin/faults")
        let org = try await self.syncOrg()
        let empty = try await self.sampleConnection(org, config: ["filters": ["updated_since": "2099-01-01T00:00:00Z"]])
        let nothing = try await self.syncToEnd(org, empty)
        #expect(nothing.status == .completed)
        #expect(nothing.totalItems == 0)
        #expect(nothing.processedPages == 0)
        #expect(nothing.message?.hasPrefix("Count endpoint returned 0") == true)

        let body: JSONValue = ["credentials": ["token": "wrong-token"]]
        let patched = try await Exchange.send(.PATCH, LiveStack.gateway + "/api/connections/\(empty)", headers: ["Cookie": org.cookie], json: body)
        #expect(patched.status == 200)
        let refused = try await self.syncToEnd(org, empty)
        #expect(refused.status == .failed)
        #expect(refused.message?.contains("Authentication failed") == true)
        #expect(!String(describing: refused).contains("wrong-token"))

        let queued = try await Exchange.send(.POST, LiveStack.gateway + "/api/sync", headers: org.auth, json: ["connection_id": .string(empty.rawValue)] as JSONValue)
        let job = try queued.decode(JobStarted.self)
        var status = JSONValue.null
        let deadline = Date().addingTimeInterval(30)
        repeat {
            try await Task.sleep(for: .milliseconds(200))
            let answer = try await Exchange.send(.GET, LiveStack.gateway + "/api/sync/status?job_id=\(job.jobId)", headers: org.auth)
            #expect(!String(decoding: answer.body, as: UTF8.self).contains("wrong-token"))
            status = try JSONCoding.decoder.decode(JSONValue.self, from: answer.body)
        } while status.field("status") != "failed" && Date() < deadline
        #expect(status.field("status") == "failed")
        #expect(status.field("error")?.field("code") == "AUTH_ERROR")
    }

    @Test func anIncrementalSyncFetchesOnlyWhatChangedSinceTheLastRun() async throws {
        try await self.sample(.DELETE, "/admin/faults")
        let org = try await self.syncOrg()
        let connection = try await self.sampleConnection(
            org, config: ["sync_mode": "incremental", "incremental_field": "updated_at", "incremental_param": "updated_since"]
        )
        let first = try await self.syncToEnd(org, connection)
        #expect(first.status == .completed)
        let total = try #require(first.totalItems)
        #expect(first.fetchedCount == total)

        // Three records change; records are only touched, never added, so the other tests keep their 500.
        try await self.sample(.POST, "/admin/records", json: ["touch": [1, 2, 3]])
        let second = try await self.syncToEnd(org, connection)
        #expect(second.status == .completed)
        #expect(second.syncMode == "incremental")
        // The 3 touched records, and the boundary record the mark itself points at (the filter is >=); all of them
        // are in the library already, found by external id.
        #expect(second.fetchedCount >= 3)
        #expect(second.fetchedCount <= 4)
        #expect(second.duplicateCount == second.fetchedCount)
        #expect(second.newCount == 0)
        self.expectEveryRecordCounted(second)

        // Full mode ignores the mark.
        let full = try await Exchange.send(
            .POST, LiveStack.gateway + "/api/sync", headers: org.auth, json: ["connection_id": .string(connection.rawValue), "force": true] as JSONValue
        )
        #expect(full.status == 202)
        let job = try full.decode(JobStarted.self)
        var progress = try await Exchange.send(.GET, LiveStack.gateway + "/api/sync/status?job_id=\(job.jobId)", headers: org.auth).decode(JobProgress.self)
        let deadline = Date().addingTimeInterval(60)
        while progress.status != "completed", progress.status != "failed", Date() < deadline {
            try await Task.sleep(for: .milliseconds(200))
            progress = try await Exchange.send(.GET, LiveStack.gateway + "/api/sync/status?job_id=\(job.jobId)", headers: org.auth).decode(JobProgress.self)
        }
        #expect(progress.status == "completed")
        #expect(progress.progress.processedMessages == 500)
        #expect(progress.progress.duplicates == 500)
    }

    @Test func cancellingStopsBeforeTheNextPageAndKeepsWhatWasInserted() async throws {
        try await self.sample(.DELETE, "/admin/faults")
        let org = try await self.syncOrg()
        let connection = try await self.sampleConnection(org)
        let base = LiveStack.gateway + "/api/connections/\(connection)/sync/run"
        let run = try await Exchange.send(.POST, base, headers: org.auth, json: ["mode": "rules"] as JSONValue).decode(SyncRunStatus.self)
        _ = try await Exchange.send(.POST, "\(base)/\(run.runId)/page", headers: org.auth)
        let cancelled = try await Exchange.send(.POST, "\(base)/\(run.runId)/cancel", headers: org.auth)
        #expect(cancelled.status == 200)
        let status = try cancelled.decode(SyncRunStatus.self)
        #expect(status.status == .cancelled)
        #expect(status.processedPages == 1)
        let next = try await Exchange.send(.POST, "\(base)/\(run.runId)/page", headers: org.auth).decode(SyncRunStatus.self)
        #expect(next.status == .cancelled)
        #expect(next.processedPages == 1)
        #expect(try await self.libraryTotal(org) == status.newCount + status.adoptedCount)
        #expect(status.newCount + status.adoptedCount + status.duplicateCount == 100)
    }

    @Test func concurrentPageCallsProcessEachPageExactlyOnce() async throws {
        try await self.sample(.PUT, "/admin/faults", json: ["faults": [["kind": "delay", "delay_ms": 150, "times": 100]]])
        let org = try await self.syncOrg()
        let connection = try await self.sampleConnection(org, config: ["pagination_params": ["page_size": 50]])
        let base = LiveStack.gateway + "/api/connections/\(connection)/sync/run"
        let run = try await Exchange.send(.POST, base, headers: org.auth, json: ["mode": "rules"] as JSONValue).decode(SyncRunStatus.self)
        var finished = false
        while !finished {
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await Exchange.send(.POST, "\(base)/\(run.runId)/page", headers: org.auth).status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 409 }, "\(statuses)")
            let status = try await Exchange.send(.GET, "\(base)/\(run.runId)/status", headers: org.auth).decode(SyncRunStatus.self)
            finished = status.done
        }
        try await self.sample(.DELETE, "/admin/faults")
        let detail = try JSONCoding.decoder.decode(
            RunDetail.self, from: try await Exchange.send(.GET, "\(base)/\(run.runId)", headers: org.auth).body
        )
        #expect(detail.pages.map(\.pageNumber) == Array(0..<10))
        #expect(detail.run.fetchedCount == 500)
        #expect(detail.run.newCount + detail.run.adoptedCount + detail.run.duplicateCount == 500)
        #expect(try await self.libraryTotal(org) == detail.run.newCount + detail.run.adoptedCount)
    }

    @Test func aJobSurvivesKillNineOfSyncServiceAndCompletesWithNoDuplicateAndNoLoss() async throws {
        try await self.sample(.PUT, "/admin/faults", json: ["faults": [["kind": "delay", "delay_ms": 400, "times": 100]]])
        let org = try await self.syncOrg()
        let connection = try await self.sampleConnection(org, config: ["pagination_params": ["page_size": 25]])
        let queued = try await Exchange.send(.POST, LiveStack.gateway + "/api/sync", headers: org.auth, json: ["channel_id": .string(connection.rawValue)] as JSONValue)
        #expect(queued.status == 202)
        let job = try queued.decode(JobStarted.self)
        let statusURL = LiveStack.gateway + "/api/sync/status?channel_id=\(connection)&job_id=\(job.jobId)"

        // Wait for a couple of committed pages, then kill the process mid-job.
        var progress = try await Exchange.send(.GET, statusURL, headers: org.auth).decode(JobProgress.self)
        let deadline = Date().addingTimeInterval(60)
        while progress.progress.processedMessages < 50, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            progress = try await Exchange.send(.GET, statusURL, headers: org.auth).decode(JobProgress.self)
        }
        #expect(progress.status == "running")
        let pidFile = URL(fileURLWithPath: LiveStack.environment["AH_STATE_DIR"] ?? "").appendingPathComponent("run/sync-service.pid")
        let pid = try #require(Int32(try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGKILL)
        try await Task.sleep(for: .milliseconds(300))
        let restarted = try Scripts.run("run", environment: LiveStack.environment)
        #expect(restarted.status == 0, "\(restarted.output)")

        while progress.status == "running" || progress.status == "queued", Date() < deadline.addingTimeInterval(60) {
            try await Task.sleep(for: .milliseconds(200))
            progress = try await Exchange.send(.GET, statusURL, headers: org.auth).decode(JobProgress.self)
        }
        try await self.sample(.DELETE, "/admin/faults")
        #expect(progress.status == "completed")
        #expect(progress.progress.processedMessages == 500)
        #expect(progress.progress.failingMessages == 0)
        #expect(progress.progress.percentage == 100)
        let history = try await Exchange.send(.GET, LiveStack.gateway + "/api/sync/history?channel_id=\(connection)", headers: org.auth)
        #expect(history.status == 200)
        let added = try await self.libraryTotal(org)
        #expect(added == progress.progress.new + progress.progress.adopted)
        #expect(progress.progress.new + progress.progress.adopted + progress.progress.duplicates == 500)
    }

    @Test func theJobAPIValidatesItsInputAndSchedulesTakeFiveFieldCron() async throws {
        let org = try await self.syncOrg()
        let missing = try await Exchange.send(.POST, LiveStack.gateway + "/api/sync", headers: org.auth, json: ["channel_id": "conn_01h0000000000000000000000"] as JSONValue)
        #expect(missing.status == 404)
        #expect(missing.errorCode == "CHANNEL_NOT_FOUND")
        let missingByConnection = try await Exchange.send(
            .POST, LiveStack.gateway + "/api/sync", headers: org.auth, json: ["connection_id": "nope"] as JSONValue
        )
        #expect(missingByConnection.errorCode == "CONNECTION_NOT_FOUND")
        let connection = try await self.sampleConnection(org)
        let badCron = try await Exchange.send(
            .PUT, LiveStack.gateway + "/api/sync/schedules", headers: org.auth,
            json: ["channel_id": .string(connection.rawValue), "schedule": "0 */4 * *"] as JSONValue
        )
        #expect(badCron.status == 400)
        #expect(badCron.errorCode == "invalid_schedule")
        let put = try await Exchange.send(
            .PUT, LiveStack.gateway + "/api/sync/schedules", headers: org.auth,
            json: ["channel_id": .string(connection.rawValue), "schedule": "0 */4 * * *", "enabled": true] as JSONValue
        )
        #expect(put.status == 200)
        let listed = try await Exchange.send(.GET, LiveStack.gateway + "/api/sync/schedules", headers: org.auth)
        let text = String(decoding: listed.body, as: UTF8.self)
        #expect(text.contains("\"schedule\":\"0 */4 * * *\""))
        #expect(text.contains("\"next_sync\":\""))
        let badMode = try await Exchange.send(
            .POST, LiveStack.gateway + "/api/connections/\(connection)/sync/run", headers: org.auth, json: ["mode": "fast"] as JSONValue
        )
        #expect(badMode.status == 400)
        #expect(badMode.errorCode == "invalid_mode")
        let cancelNothing = try await Exchange.send(.POST, LiveStack.gateway + "/api/sync/cancel", headers: org.auth, json: ["job_id": "x"] as JSONValue)
        #expect(cancelNothing.status == 400)
    }

    @Test func theCLISyncsAConnectionAndPrintsItsSummary() async throws {
        try await self.sample(.DELETE, "/admin/faults")
        let org = try await self.syncOrg()
        let connection = try await self.sampleConnection(org)
        let key = String(try #require(org.auth["Authorization"]).dropFirst("Bearer ".count))
        let result = try Scripts.execute(
            (ProcessInfo.processInfo.environment["AH_BIN_DIR"] ?? Scripts.root.appendingPathComponent(".build/debug").path) + "/audiencehub",
            ["sync", "--connection", connection.rawValue, "--json"],
            environment: ["AUDIENCEHUB_URL": LiveStack.gateway, "AUDIENCEHUB_API_KEY": key]
        )
        #expect(result.status == 0, "\(result.output)")
        let json = try #require(result.output.split(separator: "\n").last { $0.hasPrefix("{") })
        let status = try JSONCoding.decoder.decode(SyncRunStatus.self, from: Data(json.utf8))
        #expect(status.status == .completed)
        #expect(status.processedCount == 500)
        #expect(!result.output.contains(key))
    }
}

extension StackTests {
    @Test func aScheduleQueuesAJobWhenItComesRoundAndTheJobRuns() async throws {
        try await self.sample(.DELETE, "/admin/faults")
        let org = try await self.syncOrg()
        let connection = try await self.sampleConnection(org)
        let put = try await Exchange.send(
            .PUT, LiveStack.gateway + "/api/sync/schedules", headers: org.auth,
            json: ["connection_id": .string(connection.rawValue), "schedule": "* * * * *"] as JSONValue
        )
        #expect(put.status == 200)
        // Every minute: the next one is at most 60 s away; then the worker claims the job and runs it.
        var history: [JSONValue] = []
        let deadline = Date().addingTimeInterval(100)
        while Date() < deadline {
            let answer = try await Exchange.send(.GET, LiveStack.gateway + "/api/sync/history?connection_id=\(connection)", headers: org.auth)
            if case .array(let entries)? = try JSONCoding.decoder.decode(JSONValue.self, from: answer.body).field("history") { history = entries }
            if history.first?.field("status") == "completed" { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        _ = try await Exchange.send(
            .PUT, LiveStack.gateway + "/api/sync/schedules", headers: org.auth,
            json: ["connection_id": .string(connection.rawValue), "schedule": "* * * * *", "enabled": false] as JSONValue
        )
        #expect(history.first?.field("status") == "completed")
        #expect(history.first?.field("messages_synced") == 500)
        let schedules = try JSONCoding.decoder.decode(
            JSONValue.self, from: try await Exchange.send(.GET, LiveStack.gateway + "/api/sync/schedules", headers: org.auth).body
        )
        guard case .array(let list)? = schedules.field("schedules") else {
            Issue.record("no schedules list")
            return
        }
        #expect(list.first?.field("last_sync") != nil && list.first?.field("last_sync") != .null)
        #expect(list.first?.field("enabled") == false)
    }

    @Test func ctrlCStopsTheCLIsRunAfterThePageInFlightAndCancelsIt() async throws {
        try await self.sample(.PUT, "/admin/faults", json: ["faults": [["kind": "delay", "delay_ms": 500, "times": 100]]])
        let org = try await self.syncOrg()
        let connection = try await self.sampleConnection(org, config: ["pagination_params": ["page_size": 10]])
        let key = String(try #require(org.auth["Authorization"]).dropFirst("Bearer ".count))
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("ah-cli-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let pid = try Scripts.spawn(
            (ProcessInfo.processInfo.environment["AH_BIN_DIR"] ?? Scripts.root.appendingPathComponent(".build/debug").path) + "/audiencehub",
            ["sync", "--connection", connection.rawValue],
            environment: ["AUDIENCEHUB_URL": LiveStack.gateway, "AUDIENCEHUB_API_KEY": key], outputPath: output
        )
        let deadline = Date().addingTimeInterval(30)
        // Not a terminal: a progress line a second, "… running: pages 4/50, processed 40, …".
        while Date() < deadline, ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").range(of: "processed [1-9]", options: .regularExpression) == nil {
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(pid, SIGINT)
        let exit = await Task.detached { Scripts.wait(pid) }.value
        try await self.sample(.DELETE, "/admin/faults")
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(exit == 130, "\(text)")
        #expect(text.contains("cancelling after the current page"))
        #expect(text.contains("cancelled"))

        let runs = try await Exchange.send(.GET, LiveStack.gateway + "/api/connections/\(connection)/sync/runs", headers: org.auth)
        let run = try #require(try JSONCoding.decoder.decode(RunsPage.self, from: runs.body).data.first)
        #expect(run.status == .cancelled)
        #expect(run.processedPages >= 2)
        #expect(run.processedPages < 50)
        #expect(run.processedCount == run.processedPages * 10)
        self.expectEveryRecordCounted(run)
        #expect(try await self.libraryTotal(org) == run.newCount + run.adoptedCount)
    }
}

struct RunsPage: Decodable {
    var data: [SyncRunStatus]
    var total: Int
}

struct RunDetail: Decodable {
    struct Entry: Decodable {
        var pageNumber: Int
        var recordIndex: Int?
        var reason: String
        var raw: String?
    }

    var run: SyncRunStatus
    var pages: [SyncPageSummary]
    var errors: [Entry]
}

struct JobStarted: Decodable {
    var jobId: String

    enum CodingKeys: String, CodingKey { case jobId = "job_id" }
}

struct JobProgress: Decodable {
    struct Progress: Decodable {
        var processedMessages: Int
        var failingMessages: Int
        var percentage: Int?
        var new: Int
        var adopted: Int
        var duplicates: Int

        enum CodingKeys: String, CodingKey {
            case processedMessages = "processed_messages", failingMessages = "failing_messages", percentage, new, adopted, duplicates
        }
    }

    var status: String
    var progress: Progress
}
