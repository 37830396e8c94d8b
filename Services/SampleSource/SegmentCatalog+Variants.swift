extension SegmentCatalog {
    /// The modifiers of one round of variants. Rounds run through every qualifier × place × age band before a
    /// "#n" suffix starts: 8 × 55 × 6 = 2,640 rounds, about 4.1 million records, before any name carries a number.
    struct Variant {
        private static let qualifiers = ["In-Market", "Lookalike", "High Intent", "Frequent", "Lapsed", "Loyal", "New", "Engaged"]
        private static let places = [
            "Northeast", "Midwest", "South", "West", "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado",
            "Connecticut", "Delaware", "District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana",
            "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
            "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York",
            "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina",
            "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin",
            "Wyoming",
        ]
        private static let ageBands = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]

        let qualifier: String
        let place: String
        let ageBand: String
        let series: Int

        /// Distinct numbers give distinct modifier sets (a mixed-radix split), so names stay unique for any record count.
        init(number: Int) {
            var rest = number
            self.qualifier = Self.qualifiers[rest % Self.qualifiers.count]
            rest /= Self.qualifiers.count
            self.place = Self.places[rest % Self.places.count]
            rest /= Self.places.count
            self.ageBand = Self.ageBands[rest % Self.ageBands.count]
            self.series = rest / Self.ageBands.count
        }

        /// E.g. `Lookalike: Interest > Automotive > Auto Body Styles (Texas, 25-34)`; at most about 195 characters.
        func name(for base: Base) -> String {
            let name = "\(self.qualifier): \(base.name) (\(self.place), \(self.ageBand))"
            return self.series == 0 ? name : "\(name) #\(self.series + 1)"
        }

        func description(for base: Base) -> String {
            "\(self.qualifier) audience in \(self.place), ages \(self.ageBand). \(base.description)"
        }
    }
}
