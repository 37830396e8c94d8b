import Foundation

/// Whole-second UTC times as `2026-01-01T00:00:00Z`. Formatting is done by hand because a page formats up to a
/// thousand of them and Foundation's formatters cost microseconds each.
enum Timestamp {
    /// 2026-01-01T00:00:00Z: record i starts with `updated_at` = this + i seconds.
    static let start: Int64 = 1_767_225_600

    static func format(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = self.civilDate(daysSinceEpoch: days)
        return "\(year)-\(self.twoDigits(month))-\(self.twoDigits(day))T\(self.twoDigits(secondOfDay / 3600)):"
            + "\(self.twoDigits(secondOfDay / 60 % 60)):\(self.twoDigits(secondOfDay % 60))Z"
    }

    /// Seconds since 1970 of an ISO 8601 date-time, rounded up, so `updated_at >= since` compares whole seconds.
    static func parse(_ text: String) -> Int64? {
        let styles = [Date.ISO8601FormatStyle(), Date.ISO8601FormatStyle(includingFractionalSeconds: true)]
        for style in styles {
            if let date = try? style.parse(text) {
                return Int64(date.timeIntervalSince1970.rounded(.up))
            }
        }
        return nil
    }

    /// Howard Hinnant's `civil_from_days`: proleptic Gregorian date of a day count since 1970-01-01.
    private static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func twoDigits(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
