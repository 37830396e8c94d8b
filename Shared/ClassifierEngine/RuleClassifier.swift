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
        let text = Text(name)
        let description = item.description.map(Text.init)

        // Words that say who the audience is ("college students", "families", "decision makers") say less about
        // what the segment is about: a category keyword inside them counts for `Self.audienceWordWeight`.
        let audienceMatches = self.taxonomy.audienceIndex.matches(text.tokens, singulars: text.singulars)
        let audienceWords = Set(audienceMatches.flatMap(\.range))
        var parentScores = [Double](repeating: 0, count: self.taxonomy.parents.count)
        var nodeScores: [Int: Double] = [:]
        var keywords: [String: Double] = [:]
        for (source, factor) in [(text, 1.0)] + (description.map { [($0, Self.descriptionWeight)] } ?? []) {
            let isName = factor == 1
            let weight = { (range: Range<Int>) in isName && range.allSatisfy(audienceWords.contains) ? Self.audienceWordWeight : factor }
            for match in self.taxonomy.parentIndex.matches(source.tokens, singulars: source.singulars) {
                parentScores[match.target] += match.weight * weight(match.range)
                if isName { keywords[match.phrase] = max(keywords[match.phrase] ?? 0, match.weight) }
            }
            for match in self.taxonomy.nodeIndex.matches(source.tokens, singulars: source.singulars) {
                nodeScores[match.target, default: 0] += match.weight * weight(match.range)
                parentScores[self.taxonomy.nodes[match.target].parent] += match.weight * weight(match.range) * 0.8
                if isName { keywords[match.phrase] = max(keywords[match.phrase] ?? 0, match.weight) }
            }
        }

        let hinted = item.parentCategory.flatMap { self.taxonomy.parentByName[$0.lowercased()] }
        let ranked = parentScores.enumerated().sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
        guard let chosen = hinted ?? (ranked.first.map { $0.element > 0 ? $0.offset : nil } ?? nil) else {
            return self.unclassified(name, item: item)
        }
        let parent = self.taxonomy.parents[chosen]
        let path = self.subcategoryPath(parent: parent, scores: nodeScores)
        var audienceScores = [Double](repeating: 0, count: self.taxonomy.audienceTypes.count)
        for match in audienceMatches { audienceScores[match.target] += match.weight }
        let segmentType = self.segmentType(item: item, text: text, parent: parent, audienceScores: audienceScores)
        let audience = self.audienceType(scores: audienceScores, segmentType: segmentType)
        let top = ranked.first?.element ?? 0
        let second = ranked.dropFirst().first?.element ?? 0
        let confidence = hinted != nil ? 0.95 : Self.confidence(top: top, second: second)

        var classification = Classification(
            topicName: name, taxonomyType: parent.group, parentCategory: parent.name,
            subcategory: path.first.map { self.taxonomy.nodes[$0].name }, subcategoryL1: Self.level(path, 1, self.taxonomy),
            subcategoryL2: Self.level(path, 2, self.taxonomy), subcategoryL3: Self.level(path, 3, self.taxonomy),
            subcategoryL4: Self.level(path, 4, self.taxonomy), segmentType: segmentType, audienceType: audience.name,
            iabCode: Self.iabCode(parent: parent, path: path, taxonomy: self.taxonomy),
            keywords: keywords.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(8).map(\.key),
            sensitivity: self.sensitivity(text), intensity: audience.intensity, buyerJourney: audience.buyerJourney,
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

    /// From the parent's roots down: at each level the child whose subtree scored most, while something scored.
    func subcategoryPath(parent: Taxonomy.Parent, scores: [Int: Double]) -> [Int] {
        var path: [Int] = []
        var candidates = parent.roots
        while !candidates.isEmpty {
            let best = candidates.map { ($0, self.subtreeScore($0, scores)) }.max { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 > $1.0 }
            guard let (node, score) = best, score > 0 else { break }
            path.append(node)
            candidates = self.taxonomy.nodes[node].children
        }
        return path
    }

    func subtreeScore(_ node: Int, _ scores: [Int: Double]) -> Double {
        self.taxonomy.nodes[node].children.reduce(scores[node] ?? 0) { $0 + self.subtreeScore($1, scores) }
    }

    /// Audiences that buy for work: when one of them is the best audience, that is evidence for B2B.
    static let businessAudiences: Set<String> = ["Business Decision Makers", "Professionals by Role", "Small Business Owners"]
    /// Most specific first, so that `max` keeps the first of equal scores.
    static let segmentPreference = ["B2G", "B2E", "B2B2C", "B2B", "B2C"]

    func segmentType(item: ClassifyItem, text: Text, parent: Taxonomy.Parent, audienceScores: [Double]) -> String {
        if let hint = item.segmentType?.uppercased(), Taxonomy.segmentTypes.contains(hint) { return hint }
        var scores: [String: Double] = [:]
        for match in self.taxonomy.segmentIndex.matches(text.tokens, singulars: text.singulars) { scores[match.target, default: 0] += match.weight }
        scores[parent.defaultSegmentType, default: 0] += 1
        if let best = audienceScores.indices.max(by: { audienceScores[$0] < audienceScores[$1] }), audienceScores[best] > 0,
            Self.businessAudiences.contains(self.taxonomy.audienceTypes[best].name)
        {
            scores["B2B", default: 0] += 3
        }
        // Ties go to the more specific type: B2G, B2E and B2B2C refine B2B, which refines the B2C default.
        return Self.segmentPreference.max { (scores[$0] ?? 0) != (scores[$1] ?? 0) ? (scores[$0] ?? 0) < (scores[$1] ?? 0) : false } ?? "B2C"
    }

    func audienceType(scores: [Double], segmentType: String) -> TaxonomyFile.AudienceType {
        if let best = scores.indices.max(by: { scores[$0] != scores[$1] ? scores[$0] < scores[$1] : $0 > $1 }), scores[best] > 0 {
            return self.taxonomy.audienceTypes[best]
        }
        let fallback = segmentType == "B2C" ? "Interest & Affinity" : "Business Decision Makers"
        return self.taxonomy.audienceTypes.first { $0.name == fallback } ?? self.taxonomy.audienceTypes[0]
    }

    func sensitivity(_ text: Text) -> String {
        var scores = [Double](repeating: 0, count: self.taxonomy.sensitivityFlags.count)
        for match in self.taxonomy.sensitivityIndex.matches(text.tokens, singulars: text.singulars) { scores[match.target] += match.weight }
        guard let best = scores.indices.max(by: { scores[$0] != scores[$1] ? scores[$0] < scores[$1] : $0 > $1 }), scores[best] > 0 else {
            return "none"
        }
        return self.taxonomy.sensitivityFlags[best]
    }

    /// The name with runs of whitespace as one space and no space at either end (fast for plain ASCII names).
    static func collapseSpaces(_ name: String) -> String {
        let bytes = name.utf8
        let plain = bytes.allSatisfy { $0 >= 0x21 && $0 < 0x80 || $0 == 0x20 }
        if plain, bytes.first != 0x20, bytes.last != 0x20, !name.contains("  ") { return name }
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
        let tier1 = { (code: String) in code.split(separator: "-").first.map(String.init) ?? code }
        let node = path.reversed().map { taxonomy.nodes[$0].iabCode }.first { tier1($0) == tier1(parent.iabCode) }
        return node ?? parent.iabCode
    }

    static func level(_ path: [Int], _ depth: Int, _ taxonomy: Taxonomy) -> String? {
        path.count > depth ? taxonomy.nodes[path[depth]].name : nil
    }

    /// A name's tokens, and their singulars, computed once.
    struct Text {
        let tokens: [String]
        let singulars: [String]

        init(_ name: String) {
            self.tokens = TextNormalizer.tokens(name)
            self.singulars = self.tokens.map(TextNormalizer.singular)
        }
    }
}
