import SharedModels

/// A run at one moment, as the CLI watching it sees it, and the progress line for it.
struct SyncProgress {
    var status: SyncRunStatus
    /// Seconds since this CLI picked the run up.
    var elapsed: Double
    /// `processedCount` when this CLI picked the run up: work done before (a followed run) is not part of the rate.
    var baseline = 0

    /// Records per second since the CLI picked the run up; nil until there is something to measure.
    var rate: Double? {
        let processed = self.status.processedCount - self.baseline
        guard self.elapsed >= 0.5, processed > 0 else { return nil }
        return Double(processed) / self.elapsed
    }

    /// Seconds left at the current rate, when the run knows how many records it has.
    var eta: Double? {
        guard !self.status.done, let total = self.status.totalItems, let rate = self.rate else { return nil }
        return Double(max(0, total - self.status.processedCount)) / rate
    }

    /// How far the run is, by pages, else by records; nil when it gives neither total.
    var fraction: Double? {
        if self.status.done { return 1 }
        if let pages = self.status.totalPages, pages > 0 { return min(1, Double(self.status.processedPages) / Double(pages)) }
        if let items = self.status.totalItems, items > 0 { return min(1, Double(self.status.processedCount) / Double(items)) }
        return nil
    }

    /// On a terminal: a bar and short fields that fit `width` (the least useful dropped first).
    /// Otherwise: one plain, complete line for a log.
    func line(width: Int, isTTY: Bool) -> String {
        isTTY ? self.terminalLine(width: width) : self.logLine
    }

    private var pagesDone: String {
        self.status.totalPages.map { "\(self.status.processedPages)/\($0)" } ?? "\(self.status.processedPages)"
    }

    private var pagesFailed: String {
        self.status.failedPages > 0 ? " (\(self.status.failedPages) failed)" : ""
    }

    private var logLine: String {
        let status = self.status
        var fields = [
            "pages \(self.pagesDone)\(self.pagesFailed)", "processed \(status.processedCount)", "new \(status.newCount)",
            "duplicates \(status.duplicateCount)", "adopted \(status.adoptedCount)", "errors \(status.errorCount)",
        ]
        if let rate = self.rate { fields.append("\(Format.rate(rate)) records/s") }
        if let eta = self.eta { fields.append("ETA \(Format.duration(eta))") }
        return "sync \(status.runId) \(status.status.rawValue): " + fields.joined(separator: ", ")
    }

    private func terminalLine(width: Int) -> String {
        let status = self.status
        // In display order, each with its rank: fields are dropped from the highest rank down until the line fits.
        var fields: [(text: String, rank: Int)] = [
            ("\(self.pagesDone) pages\(self.pagesFailed)", 0), ("\(status.processedCount) processed", 1), ("\(status.newCount) new", 4),
            ("\(status.duplicateCount) dup", 6), ("\(status.adoptedCount) adopted", 7), ("\(status.errorCount) err", 5),
        ]
        if let rate = self.rate { fields.append(("\(Format.rate(rate)) rec/s", 3)) }
        if let eta = self.eta { fields.append(("ETA \(Format.duration(eta))", 2)) }

        let room = max(1, width - 1)  // the last column would wrap the line on some terminals, and `\r` then redraws the wrong row
        if let fraction = self.fraction {
            let cells = room >= 100 ? 20 : 10
            let filled = Int((fraction * Double(cells)).rounded(.down))
            let bar = "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: cells - filled) + "] "
            if let text = Self.fit(fields, into: room - bar.count) { return bar + text }
        }
        return Self.fit(fields, into: room) ?? String(fields[0].text.prefix(room))
    }

    /// The fields that fit in `room` columns, dropping the highest ranks first; nil when even the first alone does not.
    private static func fit(_ fields: [(text: String, rank: Int)], into room: Int) -> String? {
        var fields = fields
        while true {
            let text = fields.map(\.text).joined(separator: "  ")
            if text.count <= room { return text }
            guard fields.count > 1, let drop = fields.indices.max(by: { fields[$0].rank < fields[$1].rank }) else { return nil }
            fields.remove(at: drop)
        }
    }

    /// Without a terminal, a line per page would flood a log: at most about one a second, and always the first and last.
    static func shouldLog(secondsSinceLastLine: Double?, isFinal: Bool) -> Bool {
        guard let since = secondsSinceLastLine else { return true }
        return isFinal || since >= 1
    }
}
