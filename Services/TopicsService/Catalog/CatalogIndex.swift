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
            self.embeddings = EmbeddingIndex(minimumScore: CatalogIndex.similarTopic)
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
        self.lookup([(normalizedName, embedding)])[0]
    }

    /// `lookup` of each name, with the embeddings of those not found by name searched as one batch: the index then
    /// reads its bitmaps once for the whole page.
    func lookup(_ names: [(normalizedName: String, embedding: [Float])]) -> [Lookup] {
        self.state.withLock { state in
            var lookups = names.map { name in state.names[name.normalizedName].map { Lookup(same: Scored(id: $0, score: 1)) } }
            let unnamed = lookups.indices.filter { lookups[$0] == nil }
            let matches = state.embeddings.best(for: unnamed.map { names[$0].embedding })
            for (index, match) in zip(unnamed, matches) {
                guard let match else {
                    lookups[index] = Lookup()
                    continue
                }
                let scored = Scored(id: state.ids[match.slot], score: match.score)
                lookups[index] = match.score >= Self.sameTopic ? Lookup(same: scored) : Lookup(similar: scored)
            }
            return lookups.map { $0 ?? Lookup() }
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
