/// Durations, rates and counts as the progress line and the summary show them.
enum Format {
    /// `0.4s`, `9.5s`, `42s`, `3m05s`, `1h02m`.
    static func duration(_ seconds: Double) -> String {
        let seconds = max(0, seconds)
        if seconds < 9.95 {
            return "\((seconds * 10).rounded() / 10)s"
        }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(Self.twoDigits(whole % 60))s" }
        return "\(whole / 3600)h\(Self.twoDigits(whole / 60 % 60))m"
    }

    /// One decimal below 10, whole numbers above: `4.5`, `350`.
    static func rate(_ perSecond: Double) -> String {
        perSecond < 9.95 ? "\((perSecond * 10).rounded() / 10)" : "\(Int(perSecond.rounded()))"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
