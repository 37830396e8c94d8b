import AsyncHTTPClient
import ClassifierEngine
import Foundation
import NIOCore
import NIOHTTP1
import SharedModels

// Prints the rules engine's throughput on one core, in-process, and (with --url) the latency of 100-item
// batches through the classifier's HTTP route. Names come from the labelled evaluation set.
//
//   classifier-bench EVAL_TSV [--seconds N] [--url http://127.0.0.1:8083 --token TOKEN]

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: classifier-bench EVAL_TSV [--seconds N] [--url URL --token TOKEN]")
    exit(2)
}
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
let names = try String(contentsOfFile: arguments[1], encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
    .compactMap { $0.split(separator: "\t").first.map(String.init) }
let totalSeconds = Double(option("--seconds") ?? "") ?? 3
let classifier = try RuleClassifier.bundled()

// In-process, one core: classify the names round and round, in rounds of half a second. Other work on a shared
// machine only ever slows a round down, so the best round is the engine's speed and the median what it got.
var rates: [Double] = []
var checksum = 0
let clock = ContinuousClock()
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
let start = clock.now
while clock.now - start < .seconds(totalSeconds) {
    let roundStart = clock.now
    var classified = 0
    while clock.now - roundStart < .milliseconds(500) {
        for name in names {
            checksum &+= classifier.classify(ClassifyItem(topicName: name)).parentCategory.utf8.count
        }
        classified += names.count
    }
    rates.append(Double(classified) / seconds(clock.now - roundStart))
}
rates.sort()
print(
    String(
        format: "rules engine, 1 core: best %.0f names/s, median %.0f names/s (%d rounds of 0.5 s, checksum %d)",
        rates[rates.count - 1], rates[rates.count / 2], rates.count, checksum
    )
)

// Over HTTP: 100-item batches to the internal /classify route, one at a time, p50 and p99 latency.
if let url = option("--url") {
    let token = option("--token") ?? "local-dev-internal-token"
    let batch = try JSONSerialization.data(withJSONObject: ["items": names.prefix(100).map { ["topic_name": $0] }])
    var latencies: [Double] = []
    for round in 0..<600 {
        var request = HTTPClientRequest(url: url + "/classify")
        request.method = .POST
        request.headers.add(name: "X-Internal-Token", value: token)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: batch))
        let sent = clock.now
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 16 << 20)
        guard response.status == .ok else {
            print("HTTP \(response.status.code)")
            exit(1)
        }
        if round >= 100 { latencies.append(seconds(clock.now - sent) * 1000) }
    }
    latencies.sort()
    let p50 = latencies[latencies.count / 2]
    let p99 = latencies[Int(Double(latencies.count) * 0.99)]
    print(String(format: "HTTP /classify, 100-item batches: p50 %.2f ms, p99 %.2f ms (%d batches after 100 warm-up)", p50, p99, latencies.count))
}
