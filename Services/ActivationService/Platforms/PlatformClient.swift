import SharedModels

/// The contract every outbound platform implements (the custom-connectors seed's `PlatformClient`): the
/// activation pipeline creates, updates, deactivates and reads segments only through it.
protocol PlatformClient: Sendable {
    /// Real auth and one cheap authorised read; a typed reason on failure, never an error thrown.
    func testConnection() async -> ConnectionTestResult
    /// The platform's id for the new segment.
    func createSegment(_ segment: CreateSegmentParams) async throws -> String
    func updateSegment(_ id: String, _ segment: UpdateSegmentParams) async throws
    func deactivateSegment(_ id: String) async throws
    /// nil when the platform does not know the id.
    func getSegment(_ id: String) async throws -> PlatformSegment?
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
    var cpmCents: Int?
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
