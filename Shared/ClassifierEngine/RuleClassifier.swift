import Foundation
import SharedModels

/// The deterministic, rule-based engine (version 2.5): scores every dimension from lexicon matches and takes
/// the best, ties broken by taxonomy order, so the same input gives byte-identical output in any process.
package struct RuleClassifier: Sendable {
    package static let engineVersion = "2.5"
    static let unclassified = "Unclassified"
    /// How much a description counts next to the name itself.
    static let descriptionWeight = 0.3
    static let audienceWordWeight = 0.35

    package let taxonomy: Taxonomy
    package let names: SegmentNamer

    package init(taxonomy: Taxonomy, names: SegmentNamer) {
        self.taxonomy = taxonomy
        self.names = names
    }

    package func classify(_ item: ClassifyItem) -> Classification {
        let name = Self.collapseSpaces(item.topicName)
        let text = TokenizedText(name, vocabulary: self.taxonomy.lexicon.vocabulary)
        let matches = self.taxonomy.lexicon.matches(text)
        let descriptionMatches = item.description.map {
            self.taxonomy.lexicon.matches(TokenizedText($0, vocabulary: self.taxonomy.lexicon.vocabulary))
        }

        // Words that say who the audience is ("college students", "families", "decision makers") say less about
        // what the segment is about: a category keyword inside them counts for `Self.audienceWordWeight`.
        var audienceWords = [Bool](repeating: false, count: text.ids.count)
        for match in matches[.audience] { for index in match.range { audienceWords[index] = true } }
        var parentScores = [Double](repeating: 0, count: self.taxonomy.parents.count)
        // A name matches a handful of phrases: small arrays beat dictionaries here.
        var nodeScores: [(node: Int, score: Double)] = []
        var keywords: [(phrase: String, weight: Double)] = []
        let keyword = { (phrase: String, weight: Double) in
            guard let index = keywords.firstIndex(where: { $0.phrase == phrase }) else { return keywords.append((phrase, weight)) }
            keywords[index].weight = max(keywords[index].weight, weight)
        }
        for (source, factor) in [(matches, 1.0)] + (descriptionMatches.map { [($0, Self.descriptionWeight)] } ?? []) {
            let isName = factor == 1
            let weight = { (range: Range<Int>) in isName && range.allSatisfy { audienceWords[$0] } ? Self.audienceWordWeight : factor }
            for match in source[.parent] {
                parentScores[match.target] += match.weight * weight(match.range)
                if isName { keyword(self.taxonomy.lexicon.phrase(of: match), match.weight) }
            }
            for match in source[.node] {
                if let index = nodeScores.firstIndex(where: { $0.node == match.target }) {
                    nodeScores[index].score += match.weight * weight(match.range)
                } else {
                    nodeScores.append((match.target, match.weight * weight(match.range)))
                }
                parentScores[self.taxonomy.nodes[match.target].parent] += match.weight * weight(match.range) * 0.8
                if isName { keyword(self.taxonomy.lexicon.phrase(of: match), match.weight) }
            }
        }

        let hinted = item.parentCategory.flatMap { self.taxonomy.parentByName[$0.lowercased()] }
        let (best, top, second) = Self.topTwo(parentScores)
        guard let chosen = hinted ?? (top > 0 ? best : nil) else {
            return self.unclassified(name, item: item)
        }
        let parent = self.taxonomy.parents[chosen]
        let path = self.subcategoryPath(parent: parent, scores: nodeScores)
        var audienceScores = [Double](repeating: 0, count: self.taxonomy.audienceTypes.count)
        for match in matches[.audience] { audienceScores[match.target] += match.weight }
        let segmentType = self.segmentType(item: item, matches: matches[.segment], parent: parent, audienceScores: audienceScores)
        let audience = self.audienceType(scores: audienceScores, segmentType: segmentType)
        let confidence = hinted != nil ? 0.95 : Self.confidence(top: top, second: second)

        var classification = Classification(
            topicName: name, taxonomyType: parent.group, parentCategory: parent.name,
            subcategory: path.first.map { self.taxonomy.nodes[$0].name }, subcategoryL1: Self.level(path, 1, self.taxonomy),
            subcategoryL2: Self.level(path, 2, self.taxonomy), subcategoryL3: Self.level(path, 3, self.taxonomy),
            subcategoryL4: Self.level(path, 4, self.taxonomy), segmentType: segmentType, audienceType: audience.name,
            iabCode: Self.iabCode(parent: parent, path: path, taxonomy: self.taxonomy),
            keywords: keywords.sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.phrase < $1.phrase }.prefix(8).map(\.phrase),
            sensitivity: self.sensitivity(matches[.sensitivity]), intensity: audience.intensity, buyerJourney: audience.buyerJourney,
            engineVersion: Self.engineVersion, confidence: confidence
        )
        self.names.fill(&classification, description: item.description)
        return classification
    }

    /// A name the lexicon does not place: explicit, low confidence, IAB24 (Uncategorized).
    func unclassified(_ name: String, item: ClassifyItem) -> Classification {
        let segmentType = Taxonomy.segmentTypes.contains(item.segmentType ?? "") ? item.segmentType ?? "B2C" : "B2C"
        var classification = Classification(
            topicName: name, taxonomyType: Self.unclassified, parentCategory: Self.unclassified, subcategory: nil, subcategoryL1: nil,
            subcategoryL2: nil, subcategoryL3: nil, subcategoryL4: nil, segmentType: segmentType, audienceType: "Interest & Affinity",
            iabCode: "IAB24", keywords: [], sensitivity: "none", intensity: "low", buyerJourney: "awareness",
            engineVersion: Self.engineVersion, confidence: 0.1
        )
        self.names.fill(&classification, description: item.description)
        return classification
    }

    /// The index of the highest score (the first of equals), that score and the runner-up's.
    static func topTwo(_ scores: [Double]) -> (index: Int, top: Double, second: Double) {
        var best = (index: 0, top: 0.0, second: 0.0)
        for (index, score) in scores.enumerated() {
            if score > best.top || index == 0 {
                best = (index, score, index == 0 ? 0 : best.top)
            } else if score > best.second {
                best.second = score
            }
        }
        return best
    }

    /// From the parent's roots down: at each level the child whose subtree scored most, while something scored.
    func subcategoryPath(parent: Taxonomy.Parent, scores: [(node: Int, score: Double)]) -> [Int] {
        guard !scores.isEmpty else { return [] }
        // Each scored node's score counts for all the nodes above it (a handful of nodes: an array, not a dictionary).
        var subtreeScores: [(node: Int, score: Double)] = []
        for (node, score) in scores.sorted(by: { $0.node < $1.node }) {
            var current: Int? = node
            while let index = current {
                if let known = subtreeScores.firstIndex(where: { $0.node == index }) {
                    subtreeScores[known].score += score
                } else {
                    subtreeScores.append((index, score))
                }
                current = self.taxonomy.nodes[index].up
            }
        }
        var path: [Int] = []
        var candidates = parent.roots
        while true {
            // The scored candidate with the highest score, the first in taxonomy order on a tie.
            let scored = subtreeScores.filter { candidates.contains($0.node) && $0.score > 0 }
            guard let best = scored.max(by: { $0.score != $1.score ? $0.score < $1.score : $0.node > $1.node }) else { break }
            path.append(best.node)
            candidates = self.taxonomy.nodes[best.node].children
        }
        return path
    }

    /// Audiences that buy for work: when one of them is the best audience, that is evidence for B2B.
    static let businessAudiences: Set<String> = ["Business Decision Makers", "Professionals by Role", "Small Business Owners"]

    func segmentType(item: ClassifyItem, matches: ArraySlice<Lexicon.Match>, parent: Taxonomy.Parent, audienceScores: [Double]) -> String {
        if let hint = item.segmentType?.uppercased(), Taxonomy.segmentTypes.contains(hint) { return hint }
        var scores = [Double](repeating: 0, count: Taxonomy.segmentTypes.count)
        for match in matches { scores[match.target] += match.weight }
        scores[parent.defaultSegmentType] += 1
        if let best = audienceScores.indices.max(by: { audienceScores[$0] < audienceScores[$1] }), audienceScores[best] > 0,
            Self.businessAudiences.contains(self.taxonomy.audienceTypes[best].name)
        {
            scores[Taxonomy.b2b] += 3
        }
        // Ties go to the more specific type, which comes first.
        return Taxonomy.segmentTypes[Self.topTwo(scores).index]
    }

    func audienceType(scores: [Double], segmentType: String) -> TaxonomyFile.AudienceType {
        if let best = scores.indices.max(by: { scores[$0] != scores[$1] ? scores[$0] < scores[$1] : $0 > $1 }), scores[best] > 0 {
            return self.taxonomy.audienceTypes[best]
        }
        let fallback = segmentType == "B2C" ? "Interest & Affinity" : "Business Decision Makers"
        return self.taxonomy.audienceTypes.first { $0.name == fallback } ?? self.taxonomy.audienceTypes[0]
    }

    func sensitivity(_ matches: ArraySlice<Lexicon.Match>) -> String {
        var scores = [Double](repeating: 0, count: self.taxonomy.sensitivityFlags.count)
        for match in matches { scores[match.target] += match.weight }
        guard let best = scores.indices.max(by: { scores[$0] != scores[$1] ? scores[$0] < scores[$1] : $0 > $1 }), scores[best] > 0 else {
            return "none"
        }
        return self.taxonomy.sensitivityFlags[best]
    }

    /// The name with runs of whitespace as one space and no space at either end (fast for plain ASCII names).
    static func collapseSpaces(_ name: String) -> String {
        // Plain ASCII with single spaces between words is already in shape; a space before the first byte makes a
        // leading space count as a double one.
        var previous: UInt8 = 0x20
        var plain = true
        for byte in name.utf8 {
            if byte >= 0x80 || byte < 0x20 || (byte == 0x20 && previous == 0x20) {
                plain = false
                break
            }
            previous = byte
        }
        if plain, previous != 0x20 { return name }
        return name.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// High when the winner scored well and clearly beat the runner-up.
    static func confidence(top: Double, second: Double) -> Double {
        guard top > 0 else { return 0.1 }
        let strength = 1 - exp(-top / 6)
        let margin = (top - second) / top
        return ((0.5 + 0.45 * strength * (0.4 + 0.6 * margin)) * 100).rounded() / 100
    }

    /// The deepest subcategory's code when it lies under the parent's IAB tier 1, else the parent's own code: a
    /// segment's IAB code never contradicts its parent category.
    static func iabCode(parent: Taxonomy.Parent, path: [Int], taxonomy: Taxonomy) -> String {
        path.reversed().first { taxonomy.nodes[$0].sharesParentTier1 }.map { taxonomy.nodes[$0].iabCode } ?? parent.iabCode
    }

    static func level(_ path: [Int], _ depth: Int, _ taxonomy: Taxonomy) -> String? {
        path.count > depth ? taxonomy.nodes[path[depth]].name : nil
    }
}
