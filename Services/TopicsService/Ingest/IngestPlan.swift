import Dedup
import SharedModels

/// What dedup decided for each record of a page before anything is written: the three layers in order
/// (external id → normalised name → embedding), against the library, the catalog, and the page's own earlier
/// records.
struct IngestPlan: Sendable {
    enum Decision: Sendable {
        case error(String)
        /// The org's topic with this external id (from this source).
        case library(OrgTopicID)
        /// A global topic with the same normal form or cosine ≥ 0.95.
        case catalog(GlobalTopicID)
        /// The same topic as an earlier new record of this page.
        case samePage(Int)
        /// New to the catalog; the closest global topic when it is similar.
        case new(warning: CatalogIndex.Scored?)
    }

    var decisions: [Decision]

    /// `byExternalID`: the org's topics of this source by external id.
    init(_ page: IngestPage, byExternalID: [String: OrgTopicID], catalog: CatalogIndex) {
        var decisions: [Decision] = []
        var pageNames: [String: Int] = [:]
        var pageExternalIDs: [String: Int] = [:]
        var pageEmbeddings = EmbeddingIndex(minimumScore: CatalogIndex.sameTopic)
        var pageSlots: [Int] = []
        let lookups = Self.catalogLookups(page, byExternalID: byExternalID, catalog: catalog)
        for (index, entry) in page.records.enumerated() {
            guard case .success(let record) = entry else {
                if case .failure(let error) = entry { decisions.append(.error(error.reason)) }
                continue
            }
            if let externalID = record.externalID {
                if let topic = byExternalID[externalID] {
                    decisions.append(.library(topic))
                    continue
                }
                if let earlier = pageExternalIDs[externalID] {
                    decisions.append(.samePage(earlier))
                    continue
                }
            }
            let (embedding, lookup) = lookups[index] ?? Self.catalogLookup(record, catalog: catalog)
            if let same = lookup.same {
                decisions.append(.catalog(same.id))
                continue
            }
            if let earlier = pageNames[record.normalizedName] ?? pageEmbeddings.best(for: embedding).map({ pageSlots[$0.slot] }) {
                decisions.append(.samePage(earlier))
                continue
            }
            decisions.append(.new(warning: lookup.similar))
            pageNames[record.normalizedName] = index
            if let externalID = record.externalID { pageExternalIDs[externalID] = index }
            pageEmbeddings.add(embedding)
            pageSlots.append(index)
        }
        self.decisions = decisions
    }

    /// The catalog's answer for every record that the org's library does not already hold by external id, by
    /// record, looked up as one batch.
    private static func catalogLookups(
        _ page: IngestPage, byExternalID: [String: OrgTopicID], catalog: CatalogIndex
    ) -> [Int: (embedding: [Float], lookup: CatalogIndex.Lookup)] {
        var asked: [(index: Int, normalizedName: String, embedding: [Float])] = []
        for (index, entry) in page.records.enumerated() {
            guard case .success(let record) = entry, record.externalID.flatMap({ byExternalID[$0] }) == nil else { continue }
            asked.append((index, record.normalizedName, HashEmbedding.embed(record.normalizedName)))
        }
        let lookups = catalog.lookup(asked.map { ($0.normalizedName, $0.embedding) })
        return Dictionary(uniqueKeysWithValues: zip(asked, lookups).map { ($0.index, ($0.embedding, $1)) })
    }

    private static func catalogLookup(_ record: IngestPage.Record, catalog: CatalogIndex) -> (embedding: [Float], lookup: CatalogIndex.Lookup) {
        let embedding = HashEmbedding.embed(record.normalizedName)
        return (embedding, catalog.lookup(normalizedName: record.normalizedName, embedding: embedding))
    }

    /// The records to classify: those new to the catalog.
    var newRecords: [Int] {
        self.decisions.indices.filter { if case .new = self.decisions[$0] { true } else { false } }
    }
}
