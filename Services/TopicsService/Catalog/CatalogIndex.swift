import Dedup
import Logging
import PostgresNIO
import SharedModels
import Synchronization

/// The global catalog's names and embeddings in memory, for dedup: loaded from Postgres before the service
/// serves, and told of every global topic a committed ingest adds. Lookups are exact (see `EmbeddingIndex`).
final class CatalogIndex: Sendable {
    /// Cosine from which a name is the same topic, and from which it is close enough to warn about.
    static let sameTopic: Float = 0.95
    static let similarTopic: Float = 0.75

    struct Lookup: Sendable, Equatable {
        /// The global topic this name is: the same normal form, or cosine ≥ 0.95 (1 for the same normal form).
        var same: Scored?
        /// The closest global topic when it is only similar (0.75 ≤ cosine < 0.95).
        var similar: Scored?
    }

    struct Scored: Sendable, Equatable {
        var id: GlobalTopicID
        var score: Float
    }

    private struct State: Sendable {
        var names: [String: GlobalTopicID] = [:]
        var embeddings: EmbeddingIndex
        /// Global topic ids by embedding slot.
        var ids: [GlobalTopicID] = []

        init() {
            self.embeddings = EmbeddingIndex(thresholds: [CatalogIndex.sameTopic, CatalogIndex.similarTopic])
        }

        mutating func add(_ id: GlobalTopicID, normalizedName: String, embedding: [Float]) {
            guard self.names[normalizedName] == nil else { return }
            self.names[normalizedName] = id
            self.embeddings.add(embedding)
            self.ids.append(id)
        }
    }

    private let state = Mutex(State())

    var count: Int { self.state.withLock { $0.ids.count } }

    func add(_ id: GlobalTopicID, normalizedName: String) {
        let embedding = HashEmbedding.embed(normalizedName)
        self.state.withLock { $0.add(id, normalizedName: normalizedName, embedding: embedding) }
    }

    func lookup(normalizedName: String, embedding: [Float]) -> Lookup {
        self.state.withLock { state in
            if let id = state.names[normalizedName] { return Lookup(same: Scored(id: id, score: 1)) }
            guard let best = state.embeddings.best(for: embedding) else { return Lookup() }
            let scored = Scored(id: state.ids[best.slot], score: best.score)
            return best.score >= Self.sameTopic ? Lookup(same: scored) : Lookup(similar: scored)
        }
    }

    /// Reads every global topic, oldest first, so that ties between equally close topics go to the oldest.
    func load(from client: PostgresClient, logger: Logger) async throws {
        let rows = try await client.query("SELECT id, normalized_name FROM global_topics ORDER BY id", logger: logger)
        var state = State()
        for try await (id, name) in rows.decode((String, String).self) {
            if let id = GlobalTopicID(rawValue: id) { state.add(id, normalizedName: name, embedding: HashEmbedding.embed(name)) }
        }
        let loaded = state
        self.state.withLock { $0 = loaded }
        logger.info("catalog loaded", metadata: ["global_topics": "\(loaded.ids.count)"])
    }
}
