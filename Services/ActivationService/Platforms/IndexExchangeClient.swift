import Connectors
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SharedModels
import Synchronization

/// Index Exchange takes segments as files: data partners register segments by putting a taxonomy file
/// (`SegmentTaxonomyFile`) in an S3 bucket they own, which IX reads through an IAM role with ListBucket/GetObject
/// (kb.indexexchange.com, "Sending segment files to Index using Amazon S3 buckets").
///
/// - Storage: `config.bucket` at `config.s3_endpoint` (default `https://s3.<region>.amazonaws.com`, region default
///   us-east-1), path-style URLs `<endpoint>/<bucket>/<key>` so any S3-compatible store works. Every request is signed
///   with SigV4 (`SigV4Signer`) using `credentials.access_key_id` (or `api_key`, which the `api_key` auth type
///   requires, or `username`), `secret_access_key` (or `password`) and, for temporary credentials, `session_token`.
/// - Keys: `<prefix>/taxonomy/<yyyyMMdd'T'HHmmss'Z'>-<microseconds>-<uuid>.json`, one file per ≤30 kB of segments;
///   the stamp strictly increases within the process, so keys sort in upload order. A segment's id is our key (its
///   `externalSegmentID`); IX ingests asynchronously, so an upload answers `processing`.
/// - Withdrawal: IX's knowledge base documents no way to withdraw or delete a segment by file (its Segments page
///   shows a status, Active or Paused, that the taxonomy file does not carry), so `withdraw` puts a file of the same
///   shape, IDs only, under `<prefix>/withdrawals/`: our record of the request, for IX to act on once agreed with them.
/// - Reading: IX cannot be asked for a segment's state. `getSegment` lists the prefix and reads the newest files
///   first (at most `maxFilesRead`): the newest taxonomy file naming the id gives its name with status `processing`,
///   a newer withdrawal file makes it `withdrawn`. Order across replicas is only as good as their clocks.
/// - Errors: S3's XML `<Code>`/`<Message>`; 401/403 are `unauthorized`, 404 NoSuchBucket `bucket_not_found`, other
///   refusals `rejected` with the status (413 included), so the push engine can bisect or split.
struct IndexExchangeClient: SegmentFileUploader {
    static let defaultRegion = "us-east-1"
    /// Files `getSegment` reads at most, newest first.
    static let maxFilesRead = 100
    /// Listing pages (1,000 keys each) `getSegment` reads at most.
    static let maxListPages = 20

    let endpoint: String
    let bucket: String?
    /// Without slashes at either end; "" puts the folders at the bucket's root.
    let prefix: String
    /// nil without an access key id and secret: every call fails `unauthorized`.
    let signer: SigV4Signer?
    let http: PlatformHTTP
    let logger: Logger

    init(config: OutboundConfig, credentials: [String: String], http: PlatformHTTP, logger: Logger) {
        let region = config.region.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultRegion
        let endpoint = config.s3Endpoint ?? "https://s3.\(region).amazonaws.com"
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.bucket = config.bucket.flatMap { $0.isEmpty ? nil : $0 }
        self.prefix = (config.prefix ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let value = { (keys: [String]) in keys.lazy.compactMap { credentials[$0] }.first { !$0.isEmpty } }
        if let key = value(["access_key_id", "api_key", "username"]), let secret = value(["secret_access_key", "password"]) {
            self.signer = SigV4Signer(accessKeyID: key, secretAccessKey: secret, sessionToken: value(["session_token"]), region: region)
        } else {
            self.signer = nil
        }
        self.http = http
        self.logger = logger
    }

    func testConnection() async -> ConnectionTestResult {
        do {
            _ = try await self.list(prefix: self.prefix, maxKeys: 1, after: nil, what: "List bucket", otherwise: "http_status")
            return ConnectionTestResult(success: true, message: "Connected; bucket \(self.bucket ?? "") answered a signed listing.")
        } catch let error as PlatformError {
            return .failure(error.code, error.message)
        } catch {
            return .failure("network", "The test failed unexpectedly.")
        }
    }

    func createSegment(_ segment: CreateSegmentParams) async throws -> CreatedSegment {
        CreatedSegment(id: segment.key, state: try await self.upload([segment]))
    }

    func updateSegment(_ id: String, _ segment: UpdateSegmentParams) async throws {
        try await self.put(folder: "taxonomy", [try SegmentTaxonomyFile.Segment(id: id, name: segment.name)], what: "Upload taxonomy file")
    }

    func deactivateSegment(_ id: String) async throws {
        try await self.withdraw([id])
    }

    func getSegment(_ id: String) async throws -> PlatformSegment? {
        var withdrawn = false
        for key in try await self.fileKeys().prefix(Self.maxFilesRead) {
            guard let data = try await self.get(key), let file = try? JSONDecoder().decode(SegmentTaxonomyFile.self, from: data),
                let entry = file.segments.last(where: { $0.externalSegmentID == id })
            else { continue }
            if key.hasPrefix(self.folder("withdrawals")) {
                withdrawn = true
            } else {
                let status = withdrawn ? "withdrawn" : SegmentState.processing.rawValue
                return PlatformSegment(id: id, name: entry.externalSegmentName ?? "", status: status)
            }
        }
        return withdrawn ? PlatformSegment(id: id, name: "", status: "withdrawn") : nil
    }

    /// Our key is IX's id for the segment.
    func findSegment(key: String, name: String) async throws -> PlatformSegment? {
        try await self.getSegment(key)
    }

    func upload(_ segments: [CreateSegmentParams]) async throws -> SegmentState {
        let entries = try segments.map { try SegmentTaxonomyFile.Segment(id: $0.key, name: $0.name) }
        try await self.put(folder: "taxonomy", entries, what: "Upload taxonomy file")
        return .processing
    }

    /// Puts the ids in `<prefix>/withdrawals/` (see the type's comment: IX documents no withdrawal file).
    func withdraw(_ ids: [String]) async throws {
        let entries = try ids.map { try SegmentTaxonomyFile.Segment(id: $0, name: nil) }
        try await self.put(folder: "withdrawals", entries, what: "Upload withdrawal file")
    }

    // MARK: Objects

    func folder(_ name: String) -> String { self.prefix.isEmpty ? "\(name)/" : "\(self.prefix)/\(name)/" }

    /// A new object key in a folder, stamped with the time (to the microsecond, one more than the last key's when the
    /// clock has not moved on) so keys sort in upload order.
    func newKey(in folder: String, at date: Date = Date()) -> String {
        let micros = Self.lastStamp.withLock { last in
            last = max(Int64(date.timeIntervalSince1970 * 1_000_000), last + 1)
            return last
        }
        let seconds = Date(timeIntervalSince1970: TimeInterval(micros / 1_000_000))
        let fraction = String(micros % 1_000_000)
        let padded = String(repeating: "0", count: 6 - fraction.count) + fraction
        return "\(self.folder(folder))\(SigV4Signer.amzDate(seconds))-\(padded)-\(UUID().uuidString.lowercased()).json"
    }

    private static let lastStamp = Mutex<Int64>(0)

    private func put(folder: String, _ entries: [SegmentTaxonomyFile.Segment], what: String) async throws {
        for file in try SegmentTaxonomyFile.files(entries) {
            let key = self.newKey(in: folder)
            let answer = try await self.send(.PUT, key: key, query: [], body: file, what: what)
            try Self.check(answer, what: what, otherwise: "rejected")
            self.logger.info("index exchange file uploaded", metadata: ["ix.key": "\(key)", "ix.bytes": "\(file.count)"])
        }
    }

    /// The object's bytes, nil when there is none.
    private func get(_ key: String) async throws -> Data? {
        let answer = try await self.send(.GET, key: key, query: [], body: nil, what: "Read file")
        if answer.status == 404, Self.xml("Code", in: answer) == "NoSuchKey" { return nil }
        try Self.check(answer, what: "Read file", otherwise: "rejected")
        return Data(answer.body.readableBytesView)
    }

    /// The keys of our taxonomy and withdrawal files, newest first by their stamp. One listing of the whole prefix
    /// serves both folders (and keeps `/` out of the query when the prefix is a single segment).
    private func fileKeys() async throws -> [String] {
        var keys: [String] = []
        var after: String?
        for _ in 0..<Self.maxListPages {
            let page = try await self.list(prefix: self.prefix, maxKeys: 1000, after: after, what: "List files", otherwise: "rejected")
            keys += page.keys.filter { ($0.hasPrefix(self.folder("taxonomy")) || $0.hasPrefix(self.folder("withdrawals"))) && $0.hasSuffix(".json") }
            guard let next = page.next else { break }
            after = next
        }
        let name = { (key: String) in key.split(separator: "/").last.map(String.init) ?? key }
        return keys.sorted { name($0) > name($1) }
    }

    /// One ListObjectsV2 page: its keys and the continuation token when there are more.
    private func list(prefix: String, maxKeys: Int, after: String?, what: String, otherwise: String) async throws -> (keys: [String], next: String?) {
        var query = [("list-type", "2"), ("max-keys", String(maxKeys))]
        if !prefix.isEmpty { query.append(("prefix", prefix)) }
        if let after { query.append(("continuation-token", after)) }
        let answer = try await self.send(.GET, key: nil, query: query, body: nil, what: what)
        try Self.check(answer, what: what, otherwise: otherwise)
        let keys = Self.xmlAll("Key", in: answer)
        return (keys, Self.xml("IsTruncated", in: answer) == "true" ? Self.xml("NextContinuationToken", in: answer) : nil)
    }

    /// A signed request to the bucket (`key` nil) or to one object. Every S3 call here is idempotent.
    private func send(_ method: HTTPMethod, key: String?, query: [(String, String)], body: Data?, what: String) async throws -> PlatformHTTP.Answer {
        guard let bucket = self.bucket else {
            throw PlatformError(code: "invalid_config", message: "\(what): the connection names no bucket", status: nil)
        }
        guard let signer = self.signer else {
            throw PlatformError(
                code: "unauthorized", message: "\(what): Index Exchange needs credentials access_key_id (or api_key) and secret_access_key",
                status: nil
            )
        }
        var url = "\(self.endpoint)/\(SigV4Signer.encode(bucket))"
        if let key { url += "/" + SigV4Signer.encodePath(key) }
        if !query.isEmpty { url += "?" + query.map { "\(SigV4Signer.encode($0.0))=\(SigV4Signer.encode($0.1))" }.joined(separator: "&") }
        guard let parsed = URL(string: url), parsed.host != nil else {
            throw PlatformError(code: "invalid_config", message: "\(what): s3_endpoint \(self.endpoint) is not a URL", status: nil)
        }
        let payloadHash = body.map { SigV4Signer.sha256Hex($0) } ?? SigV4Signer.emptyPayloadHash
        let signed = signer.sign(method: method.rawValue, url: parsed, payloadHash: payloadHash, date: Date())
        return try await self.http.send(method, url, headers: signed.headers, body: body, idempotent: true, what: what, logger: self.logger)
    }

    // MARK: Answers

    /// A non-2xx answer as an error with S3's code and message: `unauthorized` (401, 403), `bucket_not_found`, or
    /// `otherwise` with the status.
    static func check(_ answer: PlatformHTTP.Answer, what: String, otherwise: String) throws {
        guard !(200..<300).contains(answer.status) else { return }
        let code = Self.xml("Code", in: answer)
        let detail = [code, Self.xml("Message", in: answer)].compactMap { $0 }.joined(separator: ": ")
        let message = "\(what): the storage answered \(answer.status)" + (detail.isEmpty ? "" : " (\(detail))")
        switch (answer.status, code) {
        case (401, _), (403, _): throw PlatformError(code: "unauthorized", message: message, status: answer.status)
        case (404, "NoSuchBucket"?): throw PlatformError(code: "bucket_not_found", message: message, status: answer.status)
        default: throw PlatformError(code: otherwise, message: message, status: answer.status)
        }
    }

    /// The text of the first `<tag>` in an S3 XML answer.
    static func xml(_ tag: String, in answer: PlatformHTTP.Answer) -> String? { Self.xmlAll(tag, in: answer).first }

    /// The texts of every `<tag>…</tag>` (S3's answers are flat enough not to need a parser), entities decoded.
    static func xmlAll(_ tag: String, in answer: PlatformHTTP.Answer) -> [String] {
        let text = String(decoding: answer.body.readableBytesView, as: UTF8.self)
        var values: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(tag)>"), let close = rest[open.upperBound...].range(of: "</\(tag)>") {
            values.append(Self.unescape(String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        return values
    }

    private static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }
}
