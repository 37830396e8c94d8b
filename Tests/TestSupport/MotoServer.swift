import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#endif

/// A real `moto_server` (moto 5.2.1: S3 and IAM in one process) on 127.0.0.1 and a port of its choosing, for one test.
///
/// moto checks no credentials by default. `run` makes an IAM user with an access key allowed `s3:*` and the bucket,
/// then (with `requireSignatures`) turns on moto's IAM mode through `POST /moto-api/reset-auth`: from then on an S3
/// request needs that user's key and a SigV4 signature moto recomputes with botocore (`SignatureDoesNotMatch`,
/// `InvalidAccessKeyId`). moto rebuilds the query with `%2F` decoded before it checks, so a signed query whose value
/// holds an encoded `/` fails there though S3 accepts it (getmoto/moto#5948).
public struct MotoServer: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// moto_server is gone and already reaped: nothing to stop.
        var exited = false
    }

    public static let install = "python3 -m pip install 'moto[server]==5.2.1'"
    public let endpoint: String
    public let bucket: String
    public let region = "us-east-1"
    public let accessKeyID: String
    public let secretAccessKey: String
    let requireSignatures: Bool

    /// `$MOTO_SERVER`, else `moto_server` on PATH, else the venv scripts/setup makes in `.state/moto`; nil when none is.
    public static var executable: String? {
        let environment = ProcessInfo.processInfo.environment
        let paths = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/moto_server" }
        let venv = Scripts.root.appendingPathComponent(".state/moto/bin/moto_server").path
        return ([environment["MOTO_SERVER"]].compactMap { $0 } + paths + [venv]).first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts moto, sets it up, runs `body`, and stops moto however `body` ends. Fails, naming the install command,
    /// when moto_server is not installed.
    public static func run<T: Sendable>(
        bucket: String = "ix-test", requireSignatures: Bool = true, _ body: @Sendable (MotoServer) async throws -> T
    ) async throws -> T {
        guard let executable = Self.executable else {
            throw Failure(description: "moto_server is not installed; run scripts/setup, or \(Self.install)")
        }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("ah-moto-\(UUID().uuidString).log").path
        let pid = try Scripts.spawn(executable, ["-H", "127.0.0.1", "-p", "0"], environment: ["INITIAL_NO_AUTH_ACTION_COUNT": "inf"], outputPath: log)
        defer { try? FileManager.default.removeItem(atPath: log) }
        do {
            let endpoint = try await Self.waitUntilListening(pid: pid, log: log)
            let server = try await Self.setUp(endpoint: endpoint, bucket: bucket, requireSignatures: requireSignatures)
            let result = try await body(server)
            await Self.stop(pid)
            return result
        } catch {
            if (error as? Failure)?.exited != true { await Self.stop(pid) }
            throw error
        }
    }

    /// Keys under `prefix`, read without signatures.
    public func keys(prefix: String = "") async throws -> [String] {
        let query = prefix.isEmpty ? "" : "&prefix=\(prefix.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? prefix)"
        let text = try await self.withoutSignatures {
            try await self.call(.GET, "/\(self.bucket)?list-type=2\(query)", headers: [Self.unchecked("s3")]).text
        }
        return Self.values("Key", in: text)
    }

    /// An object's bytes, nil when there is none; read without signatures.
    public func object(_ key: String) async throws -> Data? {
        let answer = try await self.withoutSignatures { try await self.call(.GET, "/\(self.bucket)/\(key)", headers: [Self.unchecked("s3")]) }
        return answer.status == 200 ? Data(answer.text.utf8) : nil
    }

    /// An `Authorization` header moto reads but, outside IAM mode, does not check: it routes a request by the service
    /// in the credential scope, and answers 403 to a GET of a private object that has none.
    static func unchecked(_ service: String) -> (String, String) {
        ("Authorization", "AWS4-HMAC-SHA256 Credential=setup/20240101/us-east-1/\(service)/aws4_request, SignedHeaders=host, Signature=0")
    }

    // MARK: Setup

    /// Idle, moto starts in about a second; at the start of a CI run, with every suite starting at once on two cores,
    /// it once took more than 60 s. The deadline only guards against a moto that never starts.
    private static let startLimit = 300

    private static func waitUntilListening(pid: pid_t, log: String) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(Self.startLimit)
        while ContinuousClock.now < deadline {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let line = output.split(separator: "\n").first(where: { $0.contains("Running on http://127.0.0.1:") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
            {
                return "http://127.0.0.1:\(port)"
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { throw Failure(description: "moto_server exited at start:\n\(output)", exited: true) }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "moto_server did not start listening within \(Self.startLimit) s")
    }

    private static func setUp(endpoint: String, bucket: String, requireSignatures: Bool) async throws -> MotoServer {
        var server = MotoServer(endpoint: endpoint, bucket: bucket, accessKeyID: "", secretAccessKey: "", requireSignatures: requireSignatures)
        _ = try await server.iam(["Action": "CreateUser", "UserName": "audiencehub"])
        let key = try await server.iam(["Action": "CreateAccessKey", "UserName": "audiencehub"])
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
        _ = try await server.iam(["Action": "PutUserPolicy", "UserName": "audiencehub", "PolicyName": "s3", "PolicyDocument": policy])
        guard let id = Self.values("AccessKeyId", in: key).first, let secret = Self.values("SecretAccessKey", in: key).first else {
            throw Failure(description: "moto answered CreateAccessKey without a key: \(key)")
        }
        server = MotoServer(endpoint: endpoint, bucket: bucket, accessKeyID: id, secretAccessKey: secret, requireSignatures: requireSignatures)
        let created = try await server.call(.PUT, "/\(bucket)")
        guard created.status == 200 else { throw Failure(description: "moto answered \(created.status) to CreateBucket: \(created.text)") }
        if requireSignatures { try await server.requireSignatures(true) }
        return server
    }

    /// An IAM query call, made before IAM mode is on.
    private func iam(_ parameters: [String: String]) async throws -> String {
        let form = (parameters.merging(["Version": "2010-05-08"]) { $1 }).sorted { $0.key < $1.key }.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.value)"
        }
        let answer = try await self.call(
            .POST, "/", body: form.joined(separator: "&"),
            headers: [("Content-Type", "application/x-www-form-urlencoded"), Self.unchecked("iam")]
        )
        guard answer.status == 200 else {
            throw Failure(description: "moto answered \(answer.status) to IAM \(parameters["Action"] ?? ""): \(answer.text)")
        }
        return answer.text
    }

    private func withoutSignatures<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard self.requireSignatures else { return try await body() }
        try await self.requireSignatures(false)
        do {
            let result = try await body()
            try await self.requireSignatures(true)
            return result
        } catch {
            try? await self.requireSignatures(true)
            throw error
        }
    }

    /// moto's switch: checks start after this many more unchecked actions (0 = now, inf = never).
    private func requireSignatures(_ on: Bool) async throws {
        let answer = try await self.call(.POST, "/moto-api/reset-auth", body: on ? "0" : "inf", headers: [("Content-Type", "text/plain")])
        guard answer.status == 200 else { throw Failure(description: "moto answered \(answer.status) to reset-auth: \(answer.text)") }
    }

    private func call(
        _ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = []
    ) async throws -> (status: Int, text: String) {
        var request = HTTPClientRequest(url: self.endpoint + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: buffer))
    }

    /// SIGKILL: a child of `Scripts.spawn` inherits the test runner's blocked signal mask, so a SIGTERM would stay
    /// pending for ever.
    private static func stop(_ pid: pid_t) async {
        kill(pid, SIGKILL)
        _ = await Task.detached { Scripts.wait(pid) }.value
    }

    static func values(_ tag: String, in text: String) -> [String] {
        var values: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(tag)>"), let close = rest[open.upperBound...].range(of: "</\(tag)>") {
            values.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return values
    }
}
