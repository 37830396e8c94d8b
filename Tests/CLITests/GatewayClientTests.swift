@testable import CLI
import Foundation
import SharedModels
import Testing

@Suite struct GatewayClientTests {
    static let statusJSON = """
        {"runId":"run_01j00000000000000000000001","connectionId":"conn_01j00000000000000000000000","status":"running","mode":"ai",
        "syncMode":"incremental","totalItems":null,"totalPages":10,"processedPages":1,"failedPages":0,"fetchedCount":100,
        "processedCount":100,"successCount":70,"newCount":60,"adoptedCount":10,"duplicateCount":25,"errorCount":5,"message":null,
        "startedAt":"2025-01-01T00:00:00.250Z","completedAt":"2025-01-01T00:00:05Z",
        "lastPage":{"pageNumber":1,"records":100,"new":60,"adopted":10,"duplicates":25,"errors":5,"failed":false,"error":null}}
        """

    @Test func aRunStatusDecodesWithAndWithoutFractionalSeconds() throws {
        let status = try GatewayClient.decode(SyncRunStatus.self, status: 200, body: Data(Self.statusJSON.utf8))
        #expect(status.startedAt == Date(timeIntervalSince1970: 1_735_689_600.25))
        #expect(status.completedAt == Date(timeIntervalSince1970: 1_735_689_605))
        #expect(status.lastPage?.new == 60)
        #expect(status.totalItems == nil)
    }

    @Test func theEncoderWritesWhatTheDecoderReads() throws {
        let status = try GatewayClient.decode(SyncRunStatus.self, status: 200, body: Data(Self.statusJSON.utf8))
        let json = try JSONCoding.encoder.encode(status)
        #expect(String(decoding: json, as: UTF8.self).contains(#""startedAt":"2025-01-01T00:00:00.250Z""#))
        #expect(try JSONCoding.decoder.decode(SyncRunStatus.self, from: json) == status)
    }

    @Test func anErrorEnvelopeBecomesItsCodeMessageAndDetails() throws {
        let body = #"{"error":{"code":"sync_in_progress","message":"A run is active.","details":{"runId":"run_01j00000000000000000000009"}}}"#
        let error = #expect(throws: GatewayError.self) {
            try GatewayClient.decode(SyncRunStatus.self, status: 409, body: Data(body.utf8))
        }
        #expect(error?.code == "sync_in_progress")
        #expect(error?.detail("runId") == "run_01j00000000000000000000009")
        #expect(error?.description == "sync_in_progress: A run is active. (HTTP 409)")
    }

    @Test func anErrorWithoutAnEnvelopeIsNamedByItsStatus() throws {
        let html = #expect(throws: GatewayError.self) {
            try GatewayClient.decode(SyncRunStatus.self, status: 502, body: Data("<html>Bad Gateway</html>".utf8))
        }
        #expect(html == .status(502, code: "http_502", message: "<html>Bad Gateway</html>", details: nil))
        let empty = #expect(throws: GatewayError.self) {
            try GatewayClient.decode(SyncRunStatus.self, status: 503, body: Data())
        }
        #expect(empty == .status(503, code: "http_503", message: "Service Unavailable", details: nil))
    }

    @Test func aSuccessThatIsNotTheRouteAnswerIsMalformed() {
        #expect {
            try GatewayClient.decode(SyncRunStatus.self, status: 200, body: Data(#"{"ok":true}"#.utf8))
        } throws: { error in
            guard case .malformed = error as? GatewayError else { return false }
            return true
        }
    }

    @Test func onlyGatewayAndUpstreamFailuresAreTransient() {
        for status in [502, 503, 504] {
            #expect(GatewayError.status(status, code: "x", message: "", details: nil).isTransient)
        }
        for status in [400, 404, 409, 500] {
            #expect(!GatewayError.status(status, code: "x", message: "", details: nil).isTransient)
        }
        #expect(GatewayError.unreachable("refused").isTransient)
        #expect(!GatewayError.malformed("{}").isTransient)
    }

    @Test func aTrailingSlashOnTheGatewayURLIsDropped() {
        #expect(GatewayClient(baseURL: "http://gw:8080/", apiKey: "k").baseURL == "http://gw:8080")
    }
}
