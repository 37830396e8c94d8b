import Foundation

/// A standard five-field cron schedule (minute hour day-of-month month day-of-week), evaluated in UTC.
/// Fields take `*`, `n`, `a-b`, `*/n`, `a-b/n`, `a/n` and comma lists of those; months and weekdays also take
/// three-letter names, and weekday 7 is Sunday like 0. The macros `@hourly`, `@daily`, `@midnight`, `@weekly`,
/// `@monthly`, `@yearly` and `@annually` stand for their five fields.
struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    static let maximumLength = 200

    /// The five fields joined by single spaces, names in upper case, a macro replaced by its fields.
    let description: String
    private let minutes: UInt64
    private let hours: UInt64
    private let daysOfMonth: UInt64
    private let months: UInt64
    private let daysOfWeek: UInt64
    /// Vixie cron's rule: a day matches on either day field only when neither starts with `*`, so `*/2` counts as unrestricted.
    private let matchesEitherDay: Bool

    init(_ text: String) throws(CronError) {
        guard text.count <= Self.maximumLength else {
            throw CronError(message: "expression is \(text.count) characters long, the limit is \(Self.maximumLength)")
        }
        var fields = text.split(whereSeparator: \.isWhitespace).map(String.init)
        if fields.count == 1, let macro = fields.first, macro.hasPrefix("@") {
            guard let expansion = Self.macros[macro.lowercased()] else {
                throw CronError(message: "unknown macro \"\(macro)\", expected one of \(Self.macros.keys.sorted().joined(separator: ", "))")
            }
            fields = expansion.split(separator: " ").map(String.init)
        }
        guard fields.count == 5 else {
            throw CronError(message: "expected 5 fields (minute hour day-of-month month day-of-week), got \(fields.count)")
        }
        self.minutes = try CronField.minute.parse(fields[0])
        self.hours = try CronField.hour.parse(fields[1])
        self.daysOfMonth = try CronField.dayOfMonth.parse(fields[2])
        self.months = try CronField.month.parse(fields[3])
        let daysOfWeek = try CronField.dayOfWeek.parse(fields[4])
        // 7 is Sunday as well as 0: fold its bit onto bit 0.
        self.daysOfWeek = (daysOfWeek | daysOfWeek >> 7) & 0x7F
        self.matchesEitherDay = !fields[2].hasPrefix("*") && !fields[4].hasPrefix("*")
        self.description = fields.map { $0.uppercased() }.joined(separator: " ")
    }

    /// The first whole minute strictly after `date` that matches, or nil when none comes within five years.
    func next(after date: Date) -> Date? {
        let start = Self.calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        guard let year = start.year, let month = start.month, let day = start.day, let hour = start.hour, let minute = start.minute
        else { return nil }
        let limit = (year + 5, month, day, hour, minute)
        var (y, mo, d, h, mi) = (year, month, day, hour, minute + 1)
        while true {
            if mi > 59 { (h, mi) = (h + 1, 0) }
            if h > 23 { (d, h) = (d + 1, 0) }
            if d > Self.daysIn(month: mo, year: y) { (mo, d) = (mo + 1, 1) }
            if mo > 12 { (y, mo) = (y + 1, 1) }
            guard (y, mo, d, h, mi) <= limit else { return nil }

            guard let nextMonth = Self.first(in: self.months, from: mo) else {
                (y, mo, d, h, mi) = (y + 1, 1, 1, 0, 0)
                continue
            }
            if nextMonth != mo {
                (mo, d, h, mi) = (nextMonth, 1, 0, 0)
                continue
            }
            guard self.matchesDay(year: y, month: mo, day: d) else {
                (d, h, mi) = (d + 1, 0, 0)
                continue
            }
            guard let nextHour = Self.first(in: self.hours, from: h) else {
                (d, h, mi) = (d + 1, 0, 0)
                continue
            }
            if nextHour != h {
                (h, mi) = (nextHour, 0)
                continue
            }
            guard let nextMinute = Self.first(in: self.minutes, from: mi) else {
                (h, mi) = (h + 1, 0)
                continue
            }
            if nextMinute != mi {
                mi = nextMinute
                continue
            }
            return Self.calendar.date(from: DateComponents(year: y, month: mo, day: d, hour: h, minute: mi))
        }
    }

    private func matchesDay(year: Int, month: Int, day: Int) -> Bool {
        let dayOfMonth = self.daysOfMonth & 1 << day != 0
        let dayOfWeek = self.daysOfWeek & 1 << Self.weekday(year: year, month: month, day: day) != 0
        return self.matchesEitherDay ? dayOfMonth || dayOfWeek : dayOfMonth && dayOfWeek
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    private static let macros = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]

    /// The lowest value at or above `value` whose bit is set in `mask`.
    private static func first(in mask: UInt64, from value: Int) -> Int? {
        let remaining = (mask >> value) << value
        return remaining == 0 ? nil : remaining.trailingZeroBitCount
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// 0 is Sunday (Sakamoto's method), so a day costs no calendar call while skipping through years.
    private static func weekday(year: Int, month: Int, day: Int) -> Int {
        let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
        let y = month < 3 ? year - 1 : year
        return (y + y / 4 - y / 100 + y / 400 + offsets[month - 1] + day) % 7
    }
}

struct CronError: Error, Equatable {
    var message: String
}

/// One of the five fields: its bounds and names, and the parser that turns its text into a bit per value.
private struct CronField {
    let name: String
    let bounds: ClosedRange<Int>
    var names: [String: Int] = [:]

    static let minute = CronField(name: "minute", bounds: 0...59)
    static let hour = CronField(name: "hour", bounds: 0...23)
    static let dayOfMonth = CronField(name: "day-of-month", bounds: 1...31)
    static let month = CronField(
        name: "month", bounds: 1...12,
        names: Self.numbered(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], from: 1)
    )
    static let dayOfWeek = CronField(
        name: "day-of-week", bounds: 0...7, names: Self.numbered(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], from: 0)
    )

    func parse(_ text: String) throws(CronError) -> UInt64 {
        var mask: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw self.error("empty item in \"\(text)\"") }
            mask |= try self.parseItem(item)
        }
        return mask
    }

    private func parseItem(_ item: Substring) throws(CronError) -> UInt64 {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw self.error("\"\(item)\" is not a value, range or step") }
        var step = 1
        if parts.count == 2 {
            guard Self.isDigits(parts[1]), let value = Int(parts[1]) else {
                throw self.error("step \"\(parts[1])\" in \"\(item)\" is not a number")
            }
            guard value > 0 else { throw self.error("step must be at least 1 in \"\(item)\"") }
            step = value
        }
        let values: ClosedRange<Int>
        if parts[0] == "*" {
            values = self.bounds
        } else {
            let ends = parts[0].split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count <= 2, ends.allSatisfy({ !$0.isEmpty }) else {
                throw self.error("\"\(item)\" is not a value, range or step")
            }
            let low = try self.value(ends[0])
            // `a/n` runs from a to the end of the field.
            let high = try ends.count == 2 ? self.value(ends[1]) : parts.count == 2 ? self.bounds.upperBound : low
            guard low <= high else { throw self.error("range \(parts[0]) is reversed") }
            values = low...high
        }
        var mask: UInt64 = 0
        for value in stride(from: values.lowerBound, through: values.upperBound, by: step) {
            mask |= 1 << value
        }
        return mask
    }

    private func value(_ token: Substring) throws(CronError) -> Int {
        if let named = self.names[token.uppercased()] { return named }
        guard Self.isDigits(token) else {
            throw self.error("\"\(token)\" is not a number\(self.names.isEmpty ? "" : " or a name")")
        }
        guard let number = Int(token), self.bounds.contains(number) else {
            throw self.error("\(token) is out of range \(self.bounds.lowerBound)-\(self.bounds.upperBound)")
        }
        return number
    }

    private func error(_ detail: String) -> CronError {
        CronError(message: "\(self.name): \(detail)")
    }

    private static func isDigits(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static func numbered(_ names: [String], from first: Int) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, first + $0.offset) })
    }
}
