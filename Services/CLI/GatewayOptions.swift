import ArgumentParser
import Foundation

/// Where the gateway is: `--gateway` or `AUDIENCEHUB_URL`, by default the local one.
struct GatewayOptions: ParsableArguments {
    @Option(name: .long, help: "Gateway base URL (env AUDIENCEHUB_URL).")
    var gateway: String = ProcessInfo.processInfo.environment["AUDIENCEHUB_URL"] ?? "http://127.0.0.1:8080"
}
