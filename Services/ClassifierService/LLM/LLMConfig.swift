import Configuration
import NIOCore

/// AI mode settings. Keys: `LLM_BASE_URL` (https://api.anthropic.com), `LLM_API_KEY` (secret; AI mode is off
/// without it and requests fall back to the rules), `LLM_MODEL` (claude-sonnet-4-6), `LLM_WEB_SEARCH` (false),
/// `LLM_TIMEOUT_SECONDS` (30), `LLM_MAX_CONCURRENCY` (4), `LLM_MAX_CALLS_PER_REQUEST` (100: the per-page cap),
/// `LLM_MONTHLY_QUOTA` (calls per org per month, 10000).
struct LLMConfig: Sendable {
    var baseURL: String
    var apiKey: String?
    var model: String
    var webSearch: Bool
    var timeout: TimeAmount
    var maxConcurrency: Int
    var maxCallsPerRequest: Int
    var monthlyQuota: Int

    init(reader: ConfigReader) {
        self.baseURL = reader.string(forKey: "llm.base.url", default: "https://api.anthropic.com")
        self.apiKey = reader.string(forKey: "llm.api.key", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        self.model = reader.string(forKey: "llm.model", default: "claude-sonnet-4-6")
        self.webSearch = reader.bool(forKey: "llm.web.search", default: false)
        self.timeout = .milliseconds(Int64(max(0.05, reader.double(forKey: "llm.timeout.seconds", default: 30)) * 1000))
        self.maxConcurrency = max(1, reader.int(forKey: "llm.max.concurrency", default: 4))
        self.maxCallsPerRequest = max(0, reader.int(forKey: "llm.max.calls.per.request", default: 100))
        self.monthlyQuota = max(0, reader.int(forKey: "llm.monthly.quota", default: 10_000))
    }
}
