import SharedModels

extension PushRunStatus {
    /// One line: where the run stands.
    var line: String {
        let sent = self.pushed + self.awaitingReview + self.processing
        var parts = ["\(sent + self.skipped + self.failed)/\(self.total)", "pushed \(sent)", "skipped \(self.skipped)", "failed \(self.failed)"]
        if self.awaitingReview > 0 { parts.append("awaiting review \(self.awaitingReview)") }
        if self.processing > 0 { parts.append("processing \(self.processing)") }
        return parts.joined(separator: ", ")
    }
}
