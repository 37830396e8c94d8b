/// What topics-service did with one record of an ingested page (`POST /ingest`), in the page's order.
public struct RecordOutcome: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// New to the global catalog: classified, inserted and linked to the org.
        case new
        /// Matched a global topic not yet in the org's library: linked, keeping its classification.
        case adopted
        /// Already in the org's library: only its empty fields were filled.
        case duplicate
        case error
    }

    public var index: Int
    public var outcome: Kind
    public var topicID: OrgTopicID?
    public var globalTopicID: GlobalTopicID?
    /// Why, for an error.
    public var reason: String?
    /// A global topic this one is close to (cosine 0.75–0.95), for a new topic.
    public var similarityWarning: SimilarityWarning?

    public init(
        index: Int, outcome: Kind, topicID: OrgTopicID? = nil, globalTopicID: GlobalTopicID? = nil, reason: String? = nil,
        similarityWarning: SimilarityWarning? = nil
    ) {
        self.index = index
        self.outcome = outcome
        self.topicID = topicID
        self.globalTopicID = globalTopicID
        self.reason = reason
        self.similarityWarning = similarityWarning
    }

    enum CodingKeys: String, CodingKey {
        case index, outcome, topicID = "topic_id", globalTopicID = "global_topic_id", reason, similarityWarning = "similarity_warning"
    }
}

public struct SimilarityWarning: Codable, Sendable, Equatable {
    public var globalTopicID: GlobalTopicID
    public var score: Double

    public init(globalTopicID: GlobalTopicID, score: Double) {
        self.globalTopicID = globalTopicID
        self.score = score
    }

    enum CodingKeys: String, CodingKey {
        case globalTopicID = "global_topic_id", score
    }
}

/// A page's outcomes; `replayed` when the page had already been ingested and this is what it did then.
public struct IngestResult: Codable, Sendable, Equatable {
    public var outcomes: [RecordOutcome]
    public var replayed: Bool

    public init(outcomes: [RecordOutcome], replayed: Bool) {
        self.outcomes = outcomes
        self.replayed = replayed
    }

    public func count(_ kind: RecordOutcome.Kind) -> Int {
        self.outcomes.filter { $0.outcome == kind }.count
    }
}
