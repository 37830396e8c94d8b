import Foundation
import Testing

@testable import ActivationService

/// The signer against AWS's published S3 examples (S3 API reference, "Signature Calculations for the Authorization
/// Header": GET Object and GET Bucket) and against botocore 1.43's `S3SigV4Auth` for the requests this project sends:
/// `canonical_request` → `string_to_sign` → `signature` with the same credentials, date, headers and payload.
@Suite struct SigV4SignerTests {
    static let example = SigV4Signer(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sessionToken: nil, region: "us-east-1"
    )
    /// 2013-05-24T00:00:00Z, the AWS examples' date.
    static let exampleDate = Date(timeIntervalSince1970: 1_369_353_600)
    /// 2024-01-02T03:04:05Z.
    static let botocoreDate = Date(timeIntervalSince1970: 1_704_164_645)

    @Test func awsGetObjectExampleSignsWithTheRangeHeader() throws {
        let url = try #require(URL(string: "https://examplebucket.s3.amazonaws.com/test.txt"))
        let signed = Self.example.sign(
            method: "GET", url: url, headers: [("Range", "bytes=0-9")], payloadHash: SigV4Signer.emptyPayloadHash, date: Self.exampleDate
        )
        #expect(
            signed.canonicalRequest == """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """
        )
        #expect(
            signed.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
    }

    @Test func awsListObjectsExampleSortsTheQuery() throws {
        let url = try #require(URL(string: "https://examplebucket.s3.amazonaws.com/?prefix=J&max-keys=2"))
        let signed = Self.example.sign(method: "GET", url: url, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.exampleDate)
        #expect(signed.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[2] == "max-keys=2&prefix=J")
        #expect(signed.authorization.hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"))
    }

    /// botocore: `S3SigV4Auth(Credentials(key, secret, "FwoGZXIvYXdzEXAMPLETOKEN"), "s3", "eu-west-1")`, PUT of this body.
    @Test func aPathStylePutWithASessionTokenMatchesBotocore() throws {
        var signer = Self.example
        signer.sessionToken = "FwoGZXIvYXdzEXAMPLETOKEN"
        signer.region = "eu-west-1"
        let body = Data(#"{"version":"2.0","segments":[{"externalSegmentID":"ot_01","externalSegmentName":"Auto > EV"}]}"#.utf8)
        let hash = SigV4Signer.sha256Hex(body)
        #expect(hash == "f720dea561e5d227e3271a1345bae0c4697743c74fcfe8dd972f6a2a45edca36")
        let url = try #require(URL(string: "http://127.0.0.1:4566/ix-bucket/audiencehub/taxonomy/20240102T030405Z-0001.json"))
        let signed = signer.sign(method: "PUT", url: url, payloadHash: hash, date: Self.botocoreDate)
        #expect(
            signed.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240102/eu-west-1/s3/aws4_request, "
                + "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, "
                + "Signature=e0eb4ce4bd09466ec12b370c16c37f35f908fed4b6bf05d7e8de8dd344c7afc1"
        )
        let headers = Dictionary(uniqueKeysWithValues: signed.headers)
        #expect(headers["host"] == "127.0.0.1:4566")
        #expect(headers["x-amz-date"] == "20240102T030405Z")
        #expect(headers["x-amz-security-token"] == "FwoGZXIvYXdzEXAMPLETOKEN")
        #expect(headers["Authorization"] == signed.authorization)
    }

    /// botocore, ListObjectsV2 with `prefix=audiencehub%2Ftaxonomy%2F`: `/` in a query value is signed as `%2F`,
    /// however the URL spelled it.
    @Test func aQueryValueWithSlashesIsSignedEncodedAsBotocoreDoes() throws {
        var signer = Self.example
        signer.region = "eu-west-1"
        let expected = "Signature=9a6fedb70597754eb8f6c60850308caa70550338c2d0578ffa122359ecec576f"
        for spelling in ["audiencehub%2Ftaxonomy%2F", "audiencehub/taxonomy/"] {
            let url = try #require(URL(string: "https://s3.eu-west-1.amazonaws.com/ix-bucket?list-type=2&max-keys=1&prefix=\(spelling)"))
            let signed = signer.sign(method: "GET", url: url, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.botocoreDate)
            #expect(signed.authorization.hasSuffix(expected), "prefix spelled \(spelling)")
        }
    }

    @Test func keysAndHostsAreEncodedTheWayS3SignsThem() throws {
        #expect(SigV4Signer.encodePath("a b/ü+x/=.json") == "a%20b/%C3%BC%2Bx/%3D.json")
        #expect(SigV4Signer.encode("a/b~c") == "a%2Fb~c")
        #expect(SigV4Signer.host(try #require(URL(string: "https://s3.eu-west-1.amazonaws.com:443/b"))) == "s3.eu-west-1.amazonaws.com")
        #expect(SigV4Signer.host(try #require(URL(string: "http://localhost:9000/b"))) == "localhost:9000")
        #expect(SigV4Signer.amzDate(Self.botocoreDate) == "20240102T030405Z")
    }
}
