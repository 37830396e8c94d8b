import Foundation
import SharedModels

/// The taxonomy, validated at start-up and indexed for matching: parents, the subcategory tree, audience and
/// segment types, sensitivity flags, and one phrase index per dimension.
package struct Taxonomy: Sendable {
    package struct Parent: Sendable {
        package var name: String
        package var group: String
        var iabCode: String
        var defaultSegmentType: String
        var roots: [Int]
    }

    struct Node: Sendable {
        var name: String
        var iabCode: String
        var parent: Int
        var depth: Int
        var children: [Int]
    }

    static let expectedGroups = 13
    static let expectedParents = 41
    static let expectedAudienceTypes = 14
    package static let segmentTypes = ["B2B", "B2C", "B2B2C", "B2E", "B2G"]

    let version: String
    let attribution: String
    package var parents: [Parent] = []
    var nodes: [Node] = []
    package let audienceTypes: [TaxonomyFile.AudienceType]
    let sensitivityFlags: [String]
    var parentIndex = PhraseIndex<Int>()
    var nodeIndex = PhraseIndex<Int>()
    var audienceIndex = PhraseIndex<Int>()
    var segmentIndex = PhraseIndex<String>()
    var sensitivityIndex = PhraseIndex<Int>()
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
                if !Self.segmentTypes.contains(parent.defaultSegmentType) { problems.append("\(parent.name): bad default segment type") }
                self.parentByName[parent.name.lowercased()] = index
                self.parents.append(Parent(name: parent.name, group: group.name, iabCode: parent.iabCode, defaultSegmentType: parent.defaultSegmentType, roots: []))
                for (phrase, weight) in parent.keywords { self.parentIndex.add(phrase, target: index, weight: weight) }
                for brand in parent.brands { self.parentIndex.add(brand, target: index, weight: 5) }
                self.parents[index].roots = parent.subcategories.map { self.addNode($0, parent: index, depth: 0, problems: &problems) }
            }
        }
        if self.parents.count != Self.expectedParents { problems.append("\(self.parents.count) parents, expected \(Self.expectedParents)") }
        for (index, audience) in file.audienceTypes.enumerated() {
            for (phrase, weight) in audience.cues { self.audienceIndex.add(phrase, target: index, weight: weight) }
        }
        for segment in file.segmentTypes {
            for (phrase, weight) in segment.cues { self.segmentIndex.add(phrase, target: segment.name, weight: weight) }
        }
        for (index, flag) in file.sensitivity.enumerated() {
            for (phrase, weight) in flag.cues { self.sensitivityIndex.add(phrase, target: index, weight: weight) }
        }
        guard problems.isEmpty else { throw TaxonomyError.invalid(problems) }
    }

    private mutating func addNode(_ node: TaxonomyFile.Node, parent: Int, depth: Int, problems: inout [String]) -> Int {
        let index = self.nodes.count
        if depth > 4 { problems.append("\(node.name): deeper than L4") }
        if !Self.isIABCode(node.iabCode) { problems.append("\(node.name): bad IAB code \(node.iabCode)") }
        self.nodes.append(Node(name: node.name, iabCode: node.iabCode, parent: parent, depth: depth, children: []))
        for (phrase, weight) in node.keywords { self.nodeIndex.add(phrase, target: index, weight: weight) }
        for brand in node.brands { self.nodeIndex.add(brand, target: index, weight: 5) }
        self.nodes[index].children = node.children.map { self.addNode($0, parent: parent, depth: depth + 1, problems: &problems) }
        return index
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
