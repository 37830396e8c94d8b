import ClassifierEngine

/// The taxonomy's names an edit may use, from the classifier engine's bundled taxonomy.
struct TaxonomyNames: Sendable {
    let parentCategories: Set<String>
    let taxonomyTypes: Set<String>
    let audienceTypes: Set<String>

    static func bundled() throws -> TaxonomyNames {
        let taxonomy = try RuleClassifier.bundled().taxonomy
        return TaxonomyNames(
            parentCategories: Set(taxonomy.parents.map(\.name)), taxonomyTypes: Set(taxonomy.parents.map(\.group)),
            audienceTypes: Set(taxonomy.audienceTypes.map(\.name))
        )
    }

    /// Why `value` is not a name `field` may take, or nil when it is (or the field is not a taxonomy name).
    func problem(_ field: String, _ value: String) -> String? {
        let (names, what): (Set<String>, String)
        switch field {
        case "parent_category": (names, what) = (self.parentCategories, "one of the \(self.parentCategories.count) parent categories")
        case "taxonomy_type": (names, what) = (self.taxonomyTypes, "one of the \(self.taxonomyTypes.count) taxonomy types")
        case "audience_type": (names, what) = (self.audienceTypes, "one of the \(self.audienceTypes.count) audience types")
        default: return nil
        }
        return names.contains(value) ? nil : "\(field) must be \(what), as the classifier names them."
    }
}
