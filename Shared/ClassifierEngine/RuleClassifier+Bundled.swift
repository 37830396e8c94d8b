import Foundation

extension RuleClassifier {
    /// The engine over the taxonomy shipped with this target; an invalid taxonomy stops the service at start.
    package static func bundled() throws -> RuleClassifier {
        guard let url = Bundle.module.url(forResource: "taxonomy", withExtension: "json", subdirectory: "Taxonomy") else {
            throw TaxonomyError.invalid(["Taxonomy/taxonomy.json is missing from the classifier's resources"])
        }
        return RuleClassifier(taxonomy: try Taxonomy.load(from: url), names: SegmentNamer())
    }
}
