import Foundation
import SharedModels

/// The taxonomy, validated at start-up and indexed for matching: parents, the subcategory tree, audience and
/// segment types, sensitivity flags, and one phrase index per dimension.
package struct Taxonomy: Sendable {
    package struct Parent: Sendable {
        package var name: String
        package var group: String
        var iabCode: String
        /// An index in `Taxonomy.segmentTypes`.
        var defaultSegmentType: Int
        var roots: [Int]
    }

    struct Node: Sendable {
        var name: String
        var iabCode: String
        var parent: Int
        /// The node this one sits under; nil for the parent category's roots.
        var up: Int?
        var depth: Int
        var children: [Int]
        /// Whether the node's IAB code lies under its parent category's IAB tier 1.
        var sharesParentTier1: Bool
    }

    static let expectedGroups = 13
    static let expectedParents = 41
    static let expectedAudienceTypes = 14
    /// Most specific first: B2G, B2E and B2B2C refine B2B, which refines B2C.
    package static let segmentTypes = ["B2G", "B2E", "B2B2C", "B2B", "B2C"]
    static let b2b = 3

    let version: String
    let attribution: String
    package var parents: [Parent] = []
    var nodes: [Node] = []
    package let audienceTypes: [TaxonomyFile.AudienceType]
    let sensitivityFlags: [String]
    /// Targets index `parents`, `nodes`, `audienceTypes`, `segmentTypes` and `sensitivityFlags`, by kind.
    var lexicon = Lexicon()
    package var parentByName: [String: Int] = [:]

    package static func load(from url: URL) throws -> Taxonomy {
        let file = try JSONDecoder().decode(TaxonomyFile.self, from: Data(contentsOf: url))
        return try Taxonomy(file)
    }

    init(_ file: TaxonomyFile) throws {
        self.version = file.version
        self.attribution = file.attribution
        self.audienceTypes = file.audienceTypes
        self.sensitivityFlags = file.sensitivity.map(\.flag)
        var problems: [String] = []
        if file.groups.count != Self.expectedGroups { problems.append("\(file.groups.count) groups, expected \(Self.expectedGroups)") }
        if file.audienceTypes.count != Self.expectedAudienceTypes {
            problems.append("\(file.audienceTypes.count) audience types, expected \(Self.expectedAudienceTypes)")
        }
        if Set(file.segmentTypes.map(\.name)) != Set(Self.segmentTypes) { problems.append("segment types must be \(Self.segmentTypes)") }
        for audience in file.audienceTypes {
            if !file.intensityLevels.contains(audience.intensity) { problems.append("\(audience.name): unknown intensity \(audience.intensity)") }
            if !file.buyerJourneyStages.contains(audience.buyerJourney) { problems.append("\(audience.name): unknown stage \(audience.buyerJourney)") }
        }
        for group in file.groups {
            for parent in group.parents {
                let index = self.parents.count
                if !Self.isIABCode(parent.iabCode) { problems.append("\(parent.name): bad IAB code \(parent.iabCode)") }
                let defaultSegmentType = Self.segmentTypes.firstIndex(of: parent.defaultSegmentType)
                if defaultSegmentType == nil { problems.append("\(parent.name): bad default segment type") }
                self.parentByName[parent.name.lowercased()] = index
                self.parents.append(Parent(name: parent.name, group: group.name, iabCode: parent.iabCode, defaultSegmentType: defaultSegmentType ?? Self.b2b, roots: []))
                for (phrase, weight) in parent.keywords { self.lexicon.add(phrase, kind: .parent, target: index, weight: weight) }
                for brand in parent.brands { self.lexicon.add(brand, kind: .parent, target: index, weight: 5) }
                self.parents[index].roots = parent.subcategories.map { self.addNode($0, parent: index, up: nil, depth: 0, problems: &problems) }
            }
        }
        if self.parents.count != Self.expectedParents { problems.append("\(self.parents.count) parents, expected \(Self.expectedParents)") }
        for (index, audience) in file.audienceTypes.enumerated() {
            for (phrase, weight) in audience.cues { self.lexicon.add(phrase, kind: .audience, target: index, weight: weight) }
        }
        for segment in file.segmentTypes {
            guard let target = Self.segmentTypes.firstIndex(of: segment.name) else { continue }
            for (phrase, weight) in segment.cues { self.lexicon.add(phrase, kind: .segment, target: target, weight: weight) }
        }
        for (index, flag) in file.sensitivity.enumerated() {
            for (phrase, weight) in flag.cues { self.lexicon.add(phrase, kind: .sensitivity, target: index, weight: weight) }
        }
        guard problems.isEmpty else { throw TaxonomyError.invalid(problems) }
    }

    private mutating func addNode(_ node: TaxonomyFile.Node, parent: Int, up: Int?, depth: Int, problems: inout [String]) -> Int {
        let index = self.nodes.count
        if depth > 4 { problems.append("\(node.name): deeper than L4") }
        if !Self.isIABCode(node.iabCode) { problems.append("\(node.name): bad IAB code \(node.iabCode)") }
        let sharesParentTier1 = Self.tier1(node.iabCode) == Self.tier1(self.parents[parent].iabCode)
        self.nodes.append(
            Node(name: node.name, iabCode: node.iabCode, parent: parent, up: up, depth: depth, children: [], sharesParentTier1: sharesParentTier1)
        )
        for (phrase, weight) in node.keywords { self.lexicon.add(phrase, kind: .node, target: index, weight: weight) }
        for brand in node.brands { self.lexicon.add(brand, kind: .node, target: index, weight: 5) }
        self.nodes[index].children = node.children.map { self.addNode($0, parent: parent, up: index, depth: depth + 1, problems: &problems) }
        return index
    }

    static func tier1(_ code: String) -> Substring {
        code.prefix { $0 != "-" }
    }

    static func isIABCode(_ code: String) -> Bool {
        let parts = code.dropFirst(3).split(separator: "-", omittingEmptySubsequences: false)
        return code.hasPrefix("IAB") && (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }
}

package enum TaxonomyError: Error, CustomStringConvertible {
    case invalid([String])

    package var description: String {
        switch self {
        case .invalid(let problems): "invalid taxonomy: " + problems.joined(separator: "; ")
        }
    }
}
