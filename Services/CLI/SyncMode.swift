import ArgumentParser

/// How a sync run classifies what it fetches: `rules` (deterministic) or `ai` (the LLM).
enum SyncMode: String, CaseIterable, Codable, Sendable, ExpressibleByArgument {
    case rules, ai
}
