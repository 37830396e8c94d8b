/// What record i says apart from its `updated_at`, derived from i alone so every process serves the same data.
/// Records 0..<taxonomy count are the taxonomy's own segments; later ones are variants of them (`SegmentCatalog+Variants`).
struct SegmentCatalog: Sendable {
    struct Base: Sendable {
        let name: String
        let category: String
        let description: String
        let segmentType: String
    }

    /// Tiers whose segments describe companies or roles in them rather than consumers.
    private static let businessTiers: Set<String> = [
        "Business", "Industries", "Business and Industrial", "Office Equipment and Supplies", "Employment Role",
    ]

    private let bases: [Base]

    init(taxonomy paths: [[String]]) {
        self.bases = paths.map(Self.base(for:))
    }

    func segment(at index: Int, updatedAt: Int64, named: Bool) -> Segment {
        let base = self.bases[index % self.bases.count]
        let variant = index < self.bases.count ? nil : Variant(number: index / self.bases.count - 1)
        return Segment(
            id: Segment.id(forIndex: index),
            name: named ? variant.map { $0.name(for: base) } ?? base.name : nil,
            category: base.category,
            description: variant.map { $0.description(for: base) } ?? base.description,
            segmentType: base.segmentType,
            audienceSize: Self.audienceSize(index),
            updatedAt: Timestamp.format(updatedAt)
        )
    }

    private static func base(for tiers: [String]) -> Base {
        let category = tiers[0]
        let last = tiers[tiers.count - 1]
        let description =
            switch (category, tiers.count) {
            case (_, 1): "Every \(category.lowercased()) audience."
            case ("Interest", _): "People interested in \(last)."
            case ("Purchase Intent", _): "People in the market for \(last)."
            case (_, 2): "People grouped by \(last)."
            default: "People grouped by \(tiers[1]): \(last)."
            }
        return Base(
            name: tiers.joined(separator: " > "),
            category: category,
            description: description,
            segmentType: tiers.contains(where: Self.businessTiers.contains) ? "B2B" : "B2C"
        )
    }

    /// A stable spread between 1,000 and 10,000,000 (a splitmix64 step of the index).
    private static func audienceSize(_ index: Int) -> Int {
        var z = UInt64(index) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return 1_000 + Int(z % 9_999_001)
    }
}
