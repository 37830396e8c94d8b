import Foundation
import NIOCore
import NIOHTTP1
import SharedModels

extension GatewayClient: SyncClient {
    func startRun(connection: ConnectionID, mode: SyncMode) async throws -> SyncRunStatus {
        let body = try JSONCoding.encoder.encode(["mode": mode])
        return try await self.send(.POST, "/api/connections/\(connection)/sync/run", body: body)
    }

    func processPage(connection: ConnectionID, run: RunID) async throws -> SyncRunStatus {
        // An AI-mode page classifies every record through the LLM: minutes, not seconds.
        try await self.send(.POST, "/api/connections/\(connection)/sync/run/\(run)/page", timeout: .minutes(10))
    }

    func runStatus(connection: ConnectionID, run: RunID) async throws -> SyncRunStatus {
        try await self.send(.GET, "/api/connections/\(connection)/sync/run/\(run)/status")
    }

    func cancelRun(connection: ConnectionID, run: RunID) async throws -> SyncRunStatus {
        try await self.send(.POST, "/api/connections/\(connection)/sync/run/\(run)/cancel")
    }

    func runningRun(connection: ConnectionID) async throws -> SyncRunStatus? {
        let list = try await self.send(.GET, "/api/connections/\(connection)/sync/runs?status=running&limit=1", as: RunList.self)
        return list.data.first
    }
}

/// `GET …/sync/runs`: newest first.
private struct RunList: Decodable {
    var data: [SyncRunStatus]
}
