import Connectors
import Foundation
import HTTPTypes
import Logging
import ServiceKit
import SharedModels

/// Push runs, client-orchestrated: a run is planned when it is created, then each push call sends the next batch of
/// 25 to the platform and records the outcome.
struct PushEngine: Sendable {
    static let batchSize = 25

    let store: PushStore
    let connections: OutboundConnections
    let library: LibraryClient
    let templates: TemplatesClient
    let clients: PlatformClients
    let pusher: BatchPusher
    /// A claimed batch whose push never committed is taken again after this long.
    let leaseSeconds: Int
    /// A running run with no push call for this long is cancelled when its connection's next run starts.
    let staleRunMinutes: Int

    /// The plan of a dry run: what a push would do to each topic, with nothing written.
    struct DryRun: Sendable, Encodable {
        struct Item: Sendable, Encodable {
            var topicId: String
            var action: String
            var name: String
            var description: String
            var error: ItemFailure?
        }

        var dryRun = true
        var connectionId: String
        var platform: String
        var templateKey: String
        var cpm: Money
        var total: Int
        var plan: [String: Int]
        var failed: Int
        var items: [Item]
    }

    enum Created: Sendable {
        case run(PushRunStatus)
        case dryRun(DryRun)
    }

    func create(connectionID: ConnectionID, request: PushRequest, caller: Caller, context: CallContext, logger: Logger) async throws -> Created {
        let destination = try await self.connections.destination(connectionID, context: context, logger: logger)
        let templateKey = destination.templateKey
        let cpmCents = request.cpmCents ?? destination.config.defaultCPM.map(PushRequest.cents) ?? 0
        let currency = request.currency ?? destination.config.currency ?? "USD"
        let topics = try await self.library.topics(request.topicIDs, context: context, logger: logger)
        let rendered = try await self.templates.render(topics.map(\.classification), templateKey: templateKey, context: context, logger: logger)
        var planned: [String: PushPlanner.Topic] = [:]
        for (topic, names) in zip(topics, rendered) {
            planned[topic.id] = PushPlanner.Topic(engineVersion: topic.engineVersion, name: names.name, description: names.description)
        }
        let existing = try await self.store.existing(connectionID: connectionID.rawValue, topicIDs: request.topicIDs, logger: logger)
        let planner = PushPlanner(
            platform: destination.connection.platform, templateKey: templateKey, cpmCents: cpmCents, currency: currency, force: request.force
        )
        let items = planner.plan(request.topicIDs, topics: planned, existing: existing)
        let run = PushRun(
            id: PushRunID.generate().rawValue, orgID: caller.orgID.rawValue, connectionID: connectionID.rawValue,
            platform: destination.connection.platform.rawValue, status: "running", templateKey: templateKey, cpmCents: cpmCents, currency: currency,
            total: items.count, errorCount: 0, createdAt: "", finishedAt: nil
        )
        if request.dryRun { return .dryRun(Self.dryRun(run, items)) }
        let stored = try await self.store.create(run, actorID: caller.actorID, staleMinutes: self.staleRunMinutes, items: items, logger: logger)
        logger.info("push run created", metadata: ["run_id": "\(stored.id)", "connection_id": "\(connectionID)", "items": "\(items.count)"])
        return .run(try await self.store.status(stored, logger: logger))
    }

    /// Pushes the run's next batch. Concurrent calls push disjoint batches; a finished run answers its status.
    func pushBatch(runID: String, connectionID: ConnectionID, caller: Caller, context: CallContext, logger: Logger) async throws -> PushRunStatus {
        let run = try await self.run(runID, connectionID: connectionID, caller: caller, logger: logger)
        guard run.isRunning else { return try await self.store.status(run, logger: logger) }
        let items = try await self.store.claim(runID: run.id, limit: Self.batchSize, leaseSeconds: self.leaseSeconds, logger: logger)
        guard !items.isEmpty else {
            try await self.store.finishIfDone(run.id, logger: logger)
            return try await self.status(runID: run.id, connectionID: connectionID, caller: caller, logger: logger)
        }
        let outcomes: [ItemOutcome]
        do {
            let destination = try await self.connections.destination(connectionID, context: context, logger: logger)
            let terms = BatchPusher.Terms(cpmCents: run.cpmCents, currency: run.currency, dataSourceLocation: destination.config.dataSourceLocation)
            outcomes = await self.pusher.push(items, to: try self.clients.client(for: destination.secrets, logger: logger), terms: terms)
        } catch let error as PlatformError {
            outcomes = items.map { .failed($0, error) }
        } catch let error as AppError where error.status.code < 500 {
            // The connection was deleted, disabled or broken after the run began: the batch fails with the reason.
            outcomes = items.map { .failed($0, PlatformError(code: error.code, message: error.message)) }
        } catch {
            // connections-service did not answer: nothing was sent, so the batch goes back to the queue at once
            // rather than waiting out its lease.
            try await self.store.release(runID: run.id, items, logger: logger)
            throw error
        }
        try await self.store.complete(run, outcomes: outcomes, logger: logger)
        await self.library.record(Self.history(outcomes, run: run), context: context, logger: logger)
        let pushed = outcomes.filter { $0.state != .failed }.count
        for outcome in outcomes {
            guard let failure = outcome.failure else { continue }
            logger.warning(
                "segment not pushed",
                metadata: ["run_id": "\(run.id)", "topic_id": "\(outcome.item.topicID)", "action": "\(outcome.item.action.rawValue)", "code": "\(failure.code)"]
            )
        }
        logger.info("push batch done", metadata: ["run_id": "\(run.id)", "items": "\(items.count)", "pushed": "\(pushed)"])
        var status = try await self.status(runID: run.id, connectionID: connectionID, caller: caller, logger: logger)
        status.batch = PushRunStatus.Batch(size: items.count, pushed: pushed, failed: items.count - pushed)
        return status
    }

    func status(runID: String, connectionID: ConnectionID, caller: Caller, logger: Logger) async throws -> PushRunStatus {
        try await self.store.status(try await self.run(runID, connectionID: connectionID, caller: caller, logger: logger), logger: logger)
    }

    private func run(_ runID: String, connectionID: ConnectionID, caller: Caller, logger: Logger) async throws -> PushRun {
        guard let run = try await self.store.run(runID, orgID: caller.orgID.rawValue, logger: logger), run.connectionID == connectionID.rawValue else {
            throw AppError.notFound("push_run_not_found", "No push run \(runID) for connection \(connectionID.rawValue).")
        }
        return run
    }

    private static func dryRun(_ run: PushRun, _ items: [PlannedItem]) -> DryRun {
        var plan = Dictionary(uniqueKeysWithValues: PushAction.allCases.map { ($0.rawValue, 0) })
        for item in items where item.failure == nil { plan[item.action.rawValue, default: 0] += 1 }
        return DryRun(
            connectionId: run.connectionID, platform: run.platform, templateKey: run.templateKey, cpm: Money(cents: run.cpmCents, currency: run.currency),
            total: items.count, plan: plan, failed: items.filter { $0.failure != nil }.count,
            items: items.map { item in
                DryRun.Item(topicId: item.topicID, action: item.action.rawValue, name: item.name, description: item.description, error: item.failure)
            }
        )
    }

    /// `activated` for every segment created or updated, `deactivated` for every one withdrawn.
    private static func history(_ outcomes: [ItemOutcome], run: PushRun) -> [LibraryClient.HistoryChange] {
        outcomes.filter { $0.state != .failed }.map { outcome in
            var values: [String: JSONValue] = [
                "platform": .string(run.platform), "connection_id": .string(run.connectionID), "push_run_id": .string(run.id),
                "segment_name": .string(outcome.item.name), "status": .string(outcome.state.rawValue),
            ]
            if let id = outcome.platformSegmentID { values["platform_segment_id"] = .string(id) }
            return LibraryClient.HistoryChange(
                topicID: outcome.item.topicID, changeType: outcome.item.action == .deactivate ? "deactivated" : "activated", values: values
            )
        }
    }
}
