import ClassifierEngine
import Logging
import ServiceKit
import SharedModels

/// AI mode: asks the model for the taxonomy placement, checks every value against the taxonomy, and lets the
/// rules write everything else (subcategories, names, descriptions) from that placement. Any failure, timeout,
/// invalid answer or missing configuration gives the rules' own answer with `fallback: true`.
struct LLMClassifier: Sendable {
    let rules: RuleClassifier
    let client: AnthropicClient?
    let usage: UsageRepository
    let limit: ConcurrencyLimit
    let config: LLMConfig

    /// Classifies `items` (already validated), sending at most the per-request cap to the model.
    func classify(_ items: [ClassifyItem], caller: Caller?, logger: Logger) async throws -> [Classification] {
        guard let client = self.client, let org = caller?.orgID else {
            return items.map { self.fallback($0) }
        }
        let used = try await self.usage.callsThisMonth(orgID: org, logger: logger)
        let remaining = self.config.monthlyQuota - used
        guard remaining > 0 else {
            throw AppError.tooManyRequests(
                "quota_exceeded", "This organisation has used its \(self.config.monthlyQuota) AI classifications this month.",
                retryAfterSeconds: 3600
            )
        }
        let allowed = min(remaining, self.config.maxCallsPerRequest)
        let results = await withTaskGroup(of: (Int, Classification, AnthropicClient.Answer?).self) { group in
            for (index, item) in items.enumerated() {
                guard index < allowed else { continue }
                group.addTask {
                    do {
                        let answer = try await self.limit.run { try await client.classify(item, taxonomy: self.rules.taxonomy, logger: logger) }
                        return (index, try self.merge(answer, into: item), answer)
                    } catch {
                        logger.warning("LLM classification fell back to rules", metadata: ["reason": "\(error)"])
                        return (index, self.fallback(item), nil)
                    }
                }
            }
            var collected: [Int: (Classification, AnthropicClient.Answer?)] = [:]
            for await (index, classification, answer) in group { collected[index] = (classification, answer) }
            return collected
        }
        let answers = results.values.compactMap(\.1)
        if !results.isEmpty {
            try await self.usage.record(
                orgID: org, calls: results.count, inputTokens: answers.reduce(0) { $0 + $1.inputTokens },
                outputTokens: answers.reduce(0) { $0 + $1.outputTokens }, logger: logger
            )
        }
        return items.indices.map { results[$0]?.0 ?? self.fallback(items[$0]) }
    }

    /// The model's placement, if every value is one the taxonomy knows, run through the rules for the rest.
    func merge(_ answer: AnthropicClient.Answer, into item: ClassifyItem) throws -> Classification {
        guard self.rules.taxonomy.parentByName[answer.parentCategory.lowercased()] != nil else {
            throw LLMError.invalidAnswer("parent_category \(answer.parentCategory)")
        }
        guard Taxonomy.segmentTypes.contains(answer.segmentType) else { throw LLMError.invalidAnswer("segment_type") }
        guard let audience = self.rules.taxonomy.audienceTypes.first(where: { $0.name == answer.audienceType }) else {
            throw LLMError.invalidAnswer("audience_type")
        }
        var hinted = item
        hinted.parentCategory = answer.parentCategory
        hinted.segmentType = answer.segmentType
        var classification = self.rules.classify(hinted)
        classification.audienceType = audience.name
        classification.intensity = audience.intensity
        classification.buyerJourney = audience.buyerJourney
        let keywords = answer.keywords.map(TextNormalizer.normalize).filter { !$0.isEmpty }
        if !keywords.isEmpty { classification.keywords = Array(keywords.prefix(8)) }
        self.rules.names.fill(&classification, description: item.description)
        classification.llm = true
        classification.fallback = false
        return classification
    }

    func fallback(_ item: ClassifyItem) -> Classification {
        var classification = self.rules.classify(item)
        classification.llm = true
        classification.fallback = true
        return classification
    }
}
