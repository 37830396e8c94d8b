extension Duration {
    /// Whole milliseconds, for log lines.
    public var milliseconds: Int64 {
        self.components.seconds * 1000 + self.components.attoseconds / 1_000_000_000_000_000
    }
}
