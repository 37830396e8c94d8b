import Foundation
import SharedModels

/// What `audiencehub sync` prints on stdout once it stops driving a run.
struct SyncSummary {
    var status: SyncRunStatus
    /// The end of a run that has no `completedAt` yet.
    var now: Date

    var elapsed: Double {
        max(0, (self.status.completedAt ?? self.now).timeIntervalSince(self.status.startedAt))
    }

    var text: String {
        let status = self.status
        let pages = status.totalPages.map { "\(status.processedPages)/\($0)" } ?? "\(status.processedPages)"
        var rows = [
            ("run", status.runId.rawValue),
            ("status", status.status.rawValue),
            ("pages", "\(pages), \(status.failedPages) failed"),
            ("processed", "\(status.processedCount)"),
            ("new", "\(status.newCount)"),
            ("duplicates", "\(status.duplicateCount)"),
            ("adopted", "\(status.adoptedCount)"),
            ("errors", "\(status.errorCount)"),
            ("elapsed", Format.duration(self.elapsed)),
        ]
        if self.elapsed > 0 {
            rows.append(("rate", "\(Format.rate(Double(status.processedCount) / self.elapsed)) records/s"))
        }
        if let message = status.message, !message.isEmpty {
            rows.append(("message", message))
        }
        return rows.map { label, value in label.padding(toLength: 12, withPad: " ", startingAt: 0) + value }.joined(separator: "\n")
    }
}
