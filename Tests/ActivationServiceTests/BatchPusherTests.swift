import Foundation
import SharedModels
import Synchronization
import Testing

@testable import ActivationService

/// The pusher's decisions, against recording platforms: creates are never doubled after an ambiguous failure, an
/// update of a segment the platform lost makes it again, and a file platform's whole-batch rejection is bisected.
@Suite struct BatchPusherTests {
    /// Records calls; fails the ways a test asks.
    class RecordingPlatform: PlatformClient, @unchecked Sendable {
        let log = Mutex<[String]>([])
        let ambiguousCreates = Mutex(0)
        let existing = Mutex<[String: String]>([:])
        var calls: [String] { self.log.withLock { $0 } }
        func record(_ call: String) { self.log.withLock { $0.append(call) } }

        func testConnection() async -> ConnectionTestResult { ConnectionTestResult(success: true, message: "ok") }

        func createSegment(_ segment: CreateSegmentParams) async throws -> CreatedSegment {
            self.record("create \(segment.key)")
            let ambiguous = self.ambiguousCreates.withLock { count -> Bool in
                defer { count = max(0, count - 1) }
                return count > 0
            }
            self.existing.withLock { $0[segment.key] = "seg-\(segment.key)" }
            if ambiguous { throw PlatformError(code: "ambiguous", message: "timed out") }
            return CreatedSegment(id: "seg-\(segment.key)", state: .active)
        }

        func updateSegment(_ id: String, _ segment: UpdateSegmentParams) async throws {
            self.record("update \(id)")
            if id == "seg-lost" { throw PlatformError(code: "not_found", message: "no such segment", status: 404) }
        }

        func deactivateSegment(_ id: String) async throws { self.record("deactivate \(id)") }

        func getSegment(_ id: String) async throws -> PlatformSegment? { nil }

        func findSegment(key: String, name: String) async throws -> PlatformSegment? {
            self.record("find \(key)")
            return self.existing.withLock { $0[key] }.map { PlatformSegment(id: $0, name: name, status: "active") }
        }
    }

    /// A platform that takes files: rejects a whole file for any bad row, and files of more than `maxFileRows` with 413.
    final class FilePlatform: RecordingPlatform, SegmentFileUploader, @unchecked Sendable {
        let badNames: Set<String>
        let maxFileRows: Int

        init(badNames: Set<String>, maxFileRows: Int) {
            self.badNames = badNames
            self.maxFileRows = maxFileRows
        }

        func upload(_ segments: [CreateSegmentParams]) async throws -> SegmentState {
            self.record("upload \(segments.count)")
            if segments.count > self.maxFileRows { throw PlatformError(code: "rejected", message: "too large", status: 413) }
            if let bad = segments.first(where: { self.badNames.contains($0.name) }) {
                throw PlatformError(code: "rejected", message: "bad row \(bad.name)", status: 400)
            }
            return .processing
        }

        func withdraw(_ ids: [String]) async throws { self.record("withdraw \(ids.count)") }
    }

    let terms = BatchPusher.Terms(cpmCents: 100, currency: "USD", dataSourceLocation: nil)

    func item(_ position: Int, _ action: PushAction, segment: String? = nil, attempts: Int = 1, name: String? = nil) -> ClaimedItem {
        ClaimedItem(
            position: position, topicID: "ot_\(position)", action: action, name: name ?? "Name \(position)", description: "", engineVersion: "2.5",
            platformSegmentID: segment, attempts: attempts
        )
    }

    @Test func anAmbiguousCreateIsLookedUpNotSentAgain() async {
        let platform = RecordingPlatform()
        platform.ambiguousCreates.withLock { $0 = 1 }
        let outcome = await BatchPusher.push(self.item(0, .create), to: platform, terms: self.terms)
        #expect(outcome.state == .pushed && outcome.platformSegmentID == "seg-ot_0")
        #expect(platform.calls == ["create ot_0", "find ot_0"])
    }

    @Test func aCreateWhoseEarlierClaimNeverCommittedAsksThePlatformFirst() async {
        let platform = RecordingPlatform()
        platform.existing.withLock { $0["ot_0"] = "seg-earlier" }
        let outcome = await BatchPusher.push(self.item(0, .create, attempts: 2), to: platform, terms: self.terms)
        #expect(outcome.platformSegmentID == "seg-earlier")
        #expect(platform.calls == ["find ot_0"])
    }

    @Test func anUpdateOfASegmentThePlatformLostMakesItAgain() async {
        let platform = RecordingPlatform()
        let outcome = await BatchPusher.push(self.item(0, .update, segment: "seg-lost"), to: platform, terms: self.terms)
        #expect(outcome.state == .pushed && outcome.platformSegmentID == "seg-ot_0")
        #expect(platform.calls == ["update seg-lost", "create ot_0"])
    }

    @Test func aBatchKeepsItsOrderWhateverOrderTheCallsFinishIn() async {
        let platform = RecordingPlatform()
        let items = (0..<25).map { self.item($0, $0 % 5 == 0 ? .deactivate : .create, segment: $0 % 5 == 0 ? "seg-\($0)" : nil) }
        let outcomes = await BatchPusher(concurrency: 4).push(items, to: platform, terms: self.terms)
        #expect(outcomes.map(\.item.position) == Array(0..<25))
        #expect(outcomes.allSatisfy { $0.state == .pushed })
        #expect(platform.calls.count == 25)
    }

    @Test func aRejectedFileIsBisectedDownToTheBadRowsAnd413SplitsIt() async {
        let platform = FilePlatform(badNames: ["Name 5", "Name 17"], maxFileRows: 10)
        let items = (0..<25).map { self.item($0, .create) } + [self.item(25, .deactivate, segment: "ot_25")]
        let outcomes = await BatchPusher(concurrency: 4).push(items, to: platform, terms: self.terms)
        #expect(outcomes.count == 26)
        #expect(outcomes.filter { $0.state == .failed }.map(\.item.position) == [5, 17])
        #expect(outcomes.filter { $0.state == .failed }.allSatisfy { $0.failure?.message.contains("bad row") == true })
        #expect(outcomes.filter { $0.state == .processing }.count == 23)
        #expect(outcomes.last?.state == .pushed)
        #expect(platform.calls.contains("withdraw 1"))
    }
}
