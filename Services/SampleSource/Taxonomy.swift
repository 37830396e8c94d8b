import Foundation

/// The IAB Audience Taxonomy 1.1 rows bundled in `Resources/`, as tier paths from Tier 1 down.
enum Taxonomy {
    static let fileName = "audience-taxonomy-1.1.tsv"

    static func bundled() throws -> [[String]] {
        guard let folder = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
            throw StartupError(message: "the Resources folder is missing from the SampleSource bundle")
        }
        let paths = self.parse(try String(contentsOf: folder.appendingPathComponent(self.fileName), encoding: .utf8))
        guard !paths.isEmpty else { throw StartupError(message: "\(self.fileName) has no rows") }
        return paths
    }

    /// Columns: blank, Unique ID, Parent ID, Condensed Name, Tier 1…Tier 6, notes; the first line is a header.
    /// Tier 1 "Purchase Intent*" loses its asterisk, which only points at the spec's extension notes.
    static func parse(_ text: String) -> [[String]] {
        text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count >= 10 else { return nil }
            let tiers = columns[4..<10]
                .map { $0.trimmingCharacters(in: CharacterSet.whitespaces.union(["*"])) }
                .filter { !$0.isEmpty }
            return tiers.isEmpty ? nil : tiers
        }
    }
}
