import SharedModels

/// The contract every outbound platform implements (the custom-connectors seed's `PlatformClient`): the
/// activation pipeline creates, updates, deactivates and reads segments only through it.
protocol PlatformClient: Sendable {
    /// Real auth and one cheap authorised read; a typed reason on failure, never an error thrown.
    func testConnection() async -> ConnectionTestResult
    /// The platform's id for the new segment, and the state the platform put it in.
    func createSegment(_ segment: CreateSegmentParams) async throws -> CreatedSegment
    func updateSegment(_ id: String, _ segment: UpdateSegmentParams) async throws
    func deactivateSegment(_ id: String) async throws
    /// nil when the platform does not know the id.
    func getSegment(_ id: String) async throws -> PlatformSegment?
    /// The segment an earlier create may have made, found by our key (or, where the platform keeps no key, by its
    /// unique name): asked after an ambiguous create, before creating again. nil when there is none.
    func findSegment(key: String, name: String) async throws -> PlatformSegment?
    /// True for platforms that review new and changed segments before distributing them (LiveRamp): after an
    /// update, the push reads the segment back to learn whether it waits for review.
    var reviewsSegments: Bool { get }
}

extension PlatformClient {
    var reviewsSegments: Bool { false }
}

/// Platforms that take segments as files (Index Exchange): one upload carries a whole batch. A rejection of the
/// whole file is a `PlatformError` with the platform's status; the push engine bisects to find the bad rows and
/// splits a batch the platform answers 413 for.
protocol SegmentFileUploader: PlatformClient {
    /// Uploads the segments (new or changed) as one file; the segments' platform ids are their keys.
    func upload(_ segments: [CreateSegmentParams]) async throws -> SegmentState
    /// Uploads one file that withdraws the segments with these ids.
    func withdraw(_ ids: [String]) async throws
}

/// Money is integer cents plus an ISO currency; platforms that want a decimal get `cpmCents / 100`.
struct CreateSegmentParams: Sendable, Equatable {
    /// Our stable key for the segment (the library topic's id): platforms that take the caller's id use it.
    var key: String
    var name: String
    var description: String
    var cpmCents: Int
    var currency: String
    var dataSourceLocation: String?
}

struct UpdateSegmentParams: Sendable, Equatable {
    var name: String
    var description: String
    var cpmCents: Int? = nil
    var currency: String? = nil
}

/// Where a segment stands on the platform after we pushed it.
enum SegmentState: String, Sendable, Codable {
    /// Live and buyable.
    case active
    /// Waiting for the platform's review before it is distributed (LiveRamp).
    case pendingReview = "pending_review"
    /// Accepted for asynchronous ingestion (Index Exchange's files).
    case processing
}

struct CreatedSegment: Sendable, Equatable {
    var id: String
    var state: SegmentState
}

struct PlatformSegment: Sendable, Equatable {
    var id: String
    var name: String
    var status: String
}

/// Why a platform call failed: a stable code, the platform's own message, the HTTP status when there was one.
/// Never carries credentials.
struct PlatformError: Error, Sendable, Equatable, CustomStringConvertible {
    var code: String
    var message: String
    var status: Int?

    var description: String { "\(self.code): \(self.message)" }
}
