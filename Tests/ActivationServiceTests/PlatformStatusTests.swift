import Testing

@testable import ActivationService

/// Platforms' own status words, as ours: after a create or an update, and when a refresh reads segments back.
@Suite struct PlatformStatusTests {
    @Test func aCreatesStateFollowsThePlatformsWord() {
        #expect(SegmentState(platformStatus: "PENDING_REVIEW") == .pendingReview)
        #expect(SegmentState(platformStatus: "pending_review") == .pendingReview)
        #expect(SegmentState(platformStatus: "processing") == .processing)
        #expect(SegmentState(platformStatus: "ACTIVE") == .active)
        #expect(SegmentState(platformStatus: nil) == .active)
    }

    @Test func aRefreshRecordsOnlyWordsItKnows() {
        #expect(ActivationsController.activationStatus(platformStatus: "active") == "active")
        #expect(ActivationsController.activationStatus(platformStatus: "PENDING_REVIEW") == "pending_review")
        #expect(ActivationsController.activationStatus(platformStatus: "processing") == "processing")
        #expect(ActivationsController.activationStatus(platformStatus: "REJECTED") == "inactive")
        #expect(ActivationsController.activationStatus(platformStatus: "withdrawn") == "inactive")
        #expect(ActivationsController.activationStatus(platformStatus: nil) == "inactive")
        #expect(ActivationsController.activationStatus(platformStatus: "queued-somewhere") == nil)
    }
}
