import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SharedModels

/// `audiencehub admin init`: creates an org and its owner and prints an API key holding every scope.
struct AdminInit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an organisation, its owner and an API key (again with the same email and password: a new key)."
    )

    @OptionGroup var options: GatewayOptions
    @Option(help: "Organisation name.") var org: String
    @Option(help: "Owner's email (the login).") var email: String
    @Option(help: "Owner's password, at least 8 characters.") var password: String
    @Flag(help: "Print the result as JSON: {\"org_id\", \"user_id\", \"api_key\", \"scopes\", \"created\"}.") var json = false

    func run() async throws {
        let token = ProcessInfo.processInfo.environment["INTERNAL_TOKEN"] ?? "local-dev-internal-token"
        var request = HTTPClientRequest(url: self.options.gateway + "/internal/bootstrap")
        request.method = .POST
        request.headers.add(name: InternalHeader.token, value: token)
        request.headers.add(name: "Content-Type", value: "application/json")
        let body = BootstrapRequest(org: self.org, email: self.email, password: self.password)
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))

        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            let message = (try? JSONDecoder().decode(ErrorEnvelope.self, from: bytes)).map { "\($0.error.code): \($0.error.message)" }
            throw ValidationError("bootstrap failed (\(response.status.code)) \(message ?? "")")
        }
        if self.json {
            print(String(decoding: bytes, as: UTF8.self))
            return
        }
        let result = try JSONDecoder().decode(BootstrapResponse.self, from: bytes)
        print(result.created ? "Created organisation \(result.orgId) with owner \(self.email)." : "Organisation \(result.orgId) exists: new key issued.")
        print("API key (shown once): \(result.apiKey)")
        print("Scopes: \(result.scopes.map(\.rawValue).joined(separator: " "))")
    }
}
