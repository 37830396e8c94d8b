import Foundation
import Logging

/// Incremental sync's high-water mark: the largest `incremental_field` value a completed run saw. Values are
/// timestamps (ISO 8601) or version numbers; anything else compares as text.
enum Watermark {
    static func isNewer(_ value: String, than current: String?) -> Bool {
        guard let current else { return true }
        if let a = Double(value), let b = Double(current) { return a > b }
        if let a = Self.date(value), let b = Self.date(current) { return a > b }
        return value > current
    }

    /// What to store after a run that started at `start`: a timestamp later than the start is cut back to it, so
    /// records written while the run was going are fetched again next time rather than skipped.
    static func stored(_ seen: String, runStartedAt start: Date) -> String {
        guard let date = Self.date(seen), date > start else { return seen }
        return Self.format(start)
    }

    /// The filter the next run sends: the stored mark, moved back by the lookback window when it is a timestamp.
    static func filter(_ stored: String, lookbackSeconds: Int?) -> String {
        guard let lookbackSeconds, lookbackSeconds > 0, let date = Self.date(stored) else { return stored }
        return Self.format(date.addingTimeInterval(-Double(lookbackSeconds)))
    }

    static func date(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
