import Connectors
import Foundation
import Logging
import NIOCore
import SharedModels
import TestSupport
import Testing

@testable import ActivationService

/// The Index Exchange client against a real moto_server: signed S3 calls that moto checks (IAM mode), taxonomy files
/// read back from the bucket. Serialized: each test starts its own moto, and the machine has two cores.
@Suite(.serialized) struct IndexExchangeClientTests {
    let logger = Logger(label: "test")
    static var keyPattern: Regex<Substring> { /audiencehub\/(?:taxonomy|withdrawals)\/\d{8}T\d{6}Z-\d{6}-[0-9a-f-]{36}\.json/ }

    func client(
        _ moto: MotoServer, bucket: String? = nil, prefix: String = "audiencehub", credentials: [String: String]? = nil
    ) throws -> IndexExchangeClient {
        try self.client(endpoint: moto.endpoint, bucket: bucket ?? moto.bucket, prefix: prefix, credentials: credentials ?? Self.credentials(moto))
    }

    func client(endpoint: String, bucket: String, prefix: String = "audiencehub", credentials: [String: String]) throws -> IndexExchangeClient {
        let stored: [String: JSONValue] = [
            "s3_endpoint": .string(endpoint), "bucket": .string(bucket), "prefix": .string(prefix), "region": "us-east-1",
        ]
        return IndexExchangeClient(
            config: try OutboundConfig(stored: stored), credentials: credentials,
            http: PlatformHTTP.forTests(), logger: self.logger
        )
    }

    static func credentials(_ moto: MotoServer) -> [String: String] { Self.keys(moto.accessKeyID, moto.secretAccessKey) }

    static func keys(_ id: String, _ secret: String) -> [String: String] { ["access_key_id": id, "secret_access_key": secret] }

    /// Nothing listens on port 1.
    func offline() throws -> IndexExchangeClient {
        try self.client(endpoint: "http://127.0.0.1:1", bucket: "unused", credentials: Self.keys("AKIA", "secret"))
    }

    func params(_ key: String, _ name: String) -> CreateSegmentParams {
        CreateSegmentParams(key: key, name: name, description: "", cpmCents: 150, currency: "USD")
    }

    @Test func sixtySegmentsArriveInFilesOfAtMost30kBWithEverySegmentExactlyOnce() async throws {
        try await MotoServer.run { moto in
            // 250 four-byte characters a name: about 1 kB a segment, 60 kB in all, still within 255 characters.
            let segments = (1...60).map { index in
                let name = "Auto > EV > Buyers \(index) "
                return self.params("ot_\(index)", name + String(repeating: "🚗", count: 250 - name.count))
            }
            #expect(try await self.client(moto).upload(segments) == .processing)

            let keys = try await moto.keys(prefix: "audiencehub/taxonomy/")
            #expect(keys.count >= 2)
            var seen: [String] = []
            for key in keys {
                #expect(key.wholeMatch(of: Self.keyPattern) != nil, "\(key)")
                let data = try #require(try await moto.object(key))
                #expect(data.count <= 30_000)
                let file = try JSONDecoder().decode(SegmentTaxonomyFile.self, from: data)
                #expect(file.version == "2.0")
                seen += file.segments.map(\.externalSegmentID)
                for segment in file.segments {
                    #expect(segment.externalSegmentName == segments.first { $0.key == segment.externalSegmentID }?.name)
                }
            }
            #expect(seen.sorted() == segments.map(\.key).sorted())
        }
    }

    @Test func aTaxonomyFileIsIXsShapeWithEachIDOnceAndSplitsAtTheSizeLimit() throws {
        let segments = try [("a", "A"), ("b", "B / 2"), ("a", "A2")].map { try SegmentTaxonomyFile.Segment(id: $0.0, name: $0.1) }
        let files = try SegmentTaxonomyFile.files(segments)
        #expect(
            files.map { String(decoding: $0, as: UTF8.self) } == [
                #"{"version":"2.0","segments":[{"externalSegmentID":"a","externalSegmentName":"A2"},"#
                    + #"{"externalSegmentID":"b","externalSegmentName":"B / 2"}]}"#
            ]
        )
        let limit = try #require(files.first).count - 1
        let split = try SegmentTaxonomyFile.files(segments, maxBytes: limit)
        #expect(split.count == 2)
        #expect(split.allSatisfy { $0.count <= limit })
        let withdrawal = try SegmentTaxonomyFile.files([SegmentTaxonomyFile.Segment(id: "a", name: nil)])
        #expect(withdrawal == [Data(#"{"version":"2.0","segments":[{"externalSegmentID":"a"}]}"#.utf8)])
    }

    @Test func aNameOrIDOver255CharactersIsRejectedNeverCut() async throws {
        let client = try self.offline()
        let long = String(repeating: "n", count: 256)
        for segments in [[self.params("ot_1", "Fine"), self.params("ot_2", long)], [self.params(long, "Fine")], [self.params("ot_3", "")]] {
            let error = await #expect(throws: PlatformError.self) { try await client.upload(segments) }
            #expect(error?.code == "invalid_segment")
        }
        // Exactly 255 is allowed, counted in characters, not bytes.
        _ = try SegmentTaxonomyFile.Segment(id: String(repeating: "i", count: 255), name: String(repeating: "é", count: 255))
        await #expect(throws: PlatformError.self) { try await client.withdraw([long]) }
    }

    @Test func testConnectionSucceedsWithTheKeyAndNamesWhatIsWrongOtherwise() async throws {
        try await MotoServer.run { moto in
            let good = try await self.client(moto).testConnection()
            #expect(good.success, "\(good)")

            let wrongSecret = try await self.client(moto, credentials: Self.keys(moto.accessKeyID, "wrong")).testConnection()
            #expect(wrongSecret.code == "unauthorized")
            #expect(wrongSecret.error?.contains("SignatureDoesNotMatch") == true)
            #expect(wrongSecret.error?.contains("wrong") == false)

            let unknownKey = try await self.client(moto, credentials: Self.keys("AKIAUNKNOWN000000000", "x")).testConnection()
            #expect(unknownKey.code == "unauthorized")
            #expect(unknownKey.error?.contains("InvalidAccessKeyId") == true)

            let noCredentials = try await self.client(moto, credentials: [:]).testConnection()
            #expect(noCredentials.code == "unauthorized")

            let missingBucket = try await self.client(moto, bucket: "no-such-bucket").testConnection()
            #expect(missingBucket.code == "bucket_not_found")

            // Whole-file refusals keep the storage's status for the push engine.
            let error = await #expect(throws: PlatformError.self) {
                try await self.client(moto, credentials: Self.keys(moto.accessKeyID, "wrong")).upload([self.params("ot_1", "A")])
            }
            #expect(error?.code == "unauthorized")
            #expect(error?.status == 403)
            #expect(try await moto.keys().isEmpty)
        }
        let refused = try await self.offline().testConnection()
        #expect(refused.code == "connection_refused")
    }

    @Test func aSegmentsStateIsReadBackFromTheNewestFileNamingIt() async throws {
        try await MotoServer.run { moto in
            let client = try self.client(moto)
            #expect(try await client.createSegment(self.params("ot_01", "Auto > EV")) == CreatedSegment(id: "ot_01", state: .processing))
            #expect(try await client.getSegment("ot_01") == PlatformSegment(id: "ot_01", name: "Auto > EV", status: "processing"))
            #expect(try await client.findSegment(key: "ot_01", name: "Auto > EV")?.id == "ot_01")
            #expect(try await client.getSegment("ot_missing") == nil)

            try await client.updateSegment("ot_01", UpdateSegmentParams(name: "Auto > Electric", description: ""))
            #expect(try await client.getSegment("ot_01")?.name == "Auto > Electric")

            try await client.deactivateSegment("ot_01")
            #expect(try await client.getSegment("ot_01") == PlatformSegment(id: "ot_01", name: "Auto > Electric", status: "withdrawn"))
            try await client.withdraw(["ot_02", "ot_03"])
            let withdrawals = try await moto.keys(prefix: "audiencehub/withdrawals/")
            #expect(withdrawals.count == 2)
            var files: [SegmentTaxonomyFile] = []
            for key in withdrawals {
                files.append(try JSONDecoder().decode(SegmentTaxonomyFile.self, from: try #require(try await moto.object(key))))
            }
            #expect(Set(files.map { $0.segments.map(\.externalSegmentID) }) == [["ot_01"], ["ot_02", "ot_03"]])
            #expect(files.allSatisfy { $0.segments.allSatisfy { $0.externalSegmentName == nil } })

            _ = try await client.upload([self.params("ot_01", "Auto > Electric")])
            #expect(try await client.getSegment("ot_01")?.status == "processing")
            #expect(try await moto.keys().allSatisfy { $0.wholeMatch(of: Self.keyPattern) != nil })
        }
    }

    /// moto cannot check a signed query holding an encoded `/` (see `MotoServer`), so a nested prefix runs unchecked.
    @Test func aNestedPrefixKeepsItsFoldersApart() async throws {
        try await MotoServer.run(requireSignatures: false) { moto in
            let client = try self.client(moto, prefix: "/partners/audiencehub/")
            _ = try await client.upload([self.params("ot_01", "Auto")])
            try await client.withdraw(["ot_01"])
            let keys = try await moto.keys()
            #expect(keys.count == 2)
            #expect(keys.allSatisfy { $0.hasPrefix("partners/audiencehub/taxonomy/") || $0.hasPrefix("partners/audiencehub/withdrawals/") })
            #expect(try await client.getSegment("ot_01")?.status == "withdrawn")
            #expect(await client.testConnection().success)
        }
    }
}
