import Foundation
import TestSupport
import Testing

@testable import SyncService

@Suite struct CronExpressionTests {
    // MARK: Parsing

    @Test(arguments: [
        ("*", Array(0...59)), ("7", [7]), ("10-13", [10, 11, 12, 13]), ("*/15", [0, 15, 30, 45]), ("10-30/10", [10, 20, 30]),
        ("50/3", [50, 53, 56, 59]), ("1,5-6,*/20,40", [0, 1, 5, 6, 20, 40]), ("0-59/60", [0]),
    ])
    func minuteFormsFireOnTheirMinutes(field: String, minutes: [Int]) throws {
        #expect(try values(.minute, of: "\(field) 0 1 1 *", after: "2025-12-31T23:59:00Z", before: "2026-01-01T01:00:00Z") == minutes)
    }

    @Test(arguments: [("9-17/4", [9, 13, 17]), ("*/6", [0, 6, 12, 18]), ("22/1", [22, 23]), ("3,1", [1, 3])])
    func hourFormsFireOnTheirHours(field: String, hours: [Int]) throws {
        #expect(try values(.hour, of: "0 \(field) 1 1 *", after: "2025-12-31T23:59:00Z", before: "2026-01-02T00:00:00Z") == hours)
    }

    @Test(arguments: [("*/10", [1, 11, 21, 31]), ("28-31", [28, 29, 30, 31]), ("15/5,2", [2, 15, 20, 25, 30])])
    func dayOfMonthFormsFireOnTheirDays(field: String, days: [Int]) throws {
        #expect(try values(.day, of: "0 0 \(field) * *", after: "2025-12-31T23:59:00Z", before: "2026-02-01T00:00:00Z") == days)
    }

    @Test(arguments: [("jan-Mar,DEC", [1, 2, 3, 12]), ("*/5", [1, 6, 11]), ("feb/4", [2, 6, 10]), ("8", [8])])
    func monthFormsFireInTheirMonthsWithNamesInAnyCase(field: String, months: [Int]) throws {
        #expect(try values(.month, of: "0 0 1 \(field) *", after: "2025-12-31T23:59:00Z", before: "2027-01-01T00:00:00Z") == months)
    }

    /// Weekdays as `Calendar` numbers them, 1 for Sunday, over the week from Sunday 2026-01-04.
    @Test(arguments: [
        ("mon-FRI", [2, 3, 4, 5, 6]), ("7", [1]), ("0", [1]), ("5-7", [1, 6, 7]), ("*/2", [1, 3, 5, 7]), ("sat,SUN", [1, 7]),
        ("1/2", [1, 2, 4, 6]),
    ])
    func dayOfWeekFormsFireOnTheirWeekdaysWithSevenAsSunday(field: String, weekdays: [Int]) throws {
        let fired = try values(.weekday, of: "0 0 * * \(field)", after: "2026-01-03T23:59:00Z", before: "2026-01-11T00:00:00Z")
        #expect(fired.sorted() == weekdays)
    }

    @Test(arguments: [
        ("@hourly", "0 * * * *"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@weekly", "0 0 * * 0"),
        ("@monthly", "0 0 1 * *"), ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("  @DAILY ", "0 0 * * *"),
    ])
    func macrosStandForTheirFields(macro: String, fields: String) throws {
        #expect(try CronExpression(macro) == CronExpression(fields))
        #expect(try CronExpression(macro).description == fields)
    }

    @Test func theDescriptionJoinsTheFieldsWithSingleSpacesAndUpperCasesNames() throws {
        let cron = try CronExpression("  0-30/10\t*/6   1,15 jan-Mar mon-fri \n")
        #expect(cron.description == "0-30/10 */6 1,15 JAN-MAR MON-FRI")
        #expect(try CronExpression(cron.description) == cron)
    }

    @Test func anExpressionOfExactlyTheLengthLimitParses() throws {
        #expect(try CronExpression(String(repeating: " ", count: 191) + "* * * * *").description == "* * * * *")
    }

    @Test(arguments: [
        ("* * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 6"),
        ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"),
        ("   ", "expected 5 fields (minute hour day-of-month month day-of-week), got 0"),
        ("@daily 5", "expected 5 fields (minute hour day-of-month month day-of-week), got 2"),
        ("60 * * * *", "minute: 60 is out of range 0-59"),
        ("* 24 * * *", "hour: 24 is out of range 0-23"),
        ("* * 0 * *", "day-of-month: 0 is out of range 1-31"),
        ("* * * 13 *", "month: 13 is out of range 1-12"),
        ("* * * * 8", "day-of-week: 8 is out of range 0-7"),
        ("*/0 * * * *", #"minute: step must be at least 1 in "*/0""#),
        ("* 1-5/0 * * *", #"hour: step must be at least 1 in "1-5/0""#),
        ("* * 20-10 * *", "day-of-month: range 20-10 is reversed"),
        ("* * * * fri-MON", "day-of-week: range fri-MON is reversed"),
        ("1,,2 * * * *", #"minute: empty item in "1,,2""#),
        ("* 5, * * *", #"hour: empty item in "5,""#),
        ("5x * * * *", #"minute: "5x" is not a number"#),
        ("* * ? * *", #"day-of-month: "?" is not a number"#),
        ("* * * FOO *", #"month: "FOO" is not a number or a name"#),
        ("* * * * MONDAY", #"day-of-week: "MONDAY" is not a number or a name"#),
        ("*/x * * * *", #"minute: step "x" in "*/x" is not a number"#),
        ("1-2-3 * * * *", #"minute: "1-2-3" is not a value, range or step"#),
        ("-5 * * * *", #"minute: "-5" is not a value, range or step"#),
        ("*/2/2 * * * *", #"minute: "*/2/2" is not a value, range or step"#),
        ("@often", #"unknown macro "@often", expected one of @annually, @daily, @hourly, @midnight, @monthly, @weekly, @yearly"#),
        (String(repeating: " ", count: 192) + "* * * * *", "expression is 201 characters long, the limit is 200"),
    ])
    func rejectsWithAMessageNamingTheFieldAndTheBadPart(text: String, message: String) {
        let error = #expect(throws: CronError.self) { try CronExpression(text) }
        #expect(error?.message == message)
    }

    // MARK: Next firing

    @Test func everyMinuteFiresOnTheNextMinute() throws {
        #expect(try firings("* * * * *", after: "2026-03-10T23:59:00Z", count: 2) == ["2026-03-11T00:00:00Z", "2026-03-11T00:01:00Z"])
    }

    @Test func quarterHoursFireEveryFifteenMinutes() throws {
        #expect(
            try firings("*/15 * * * *", after: "2026-03-10T10:15:00Z", count: 3)
                == ["2026-03-10T10:30:00Z", "2026-03-10T10:45:00Z", "2026-03-10T11:00:00Z"]
        )
    }

    @Test func everyFourHoursFiresOnTheHourAcrossMidnight() throws {
        #expect(
            try firings("0 */4 * * *", after: "2026-03-10T10:15:00Z", count: 4)
                == ["2026-03-10T12:00:00Z", "2026-03-10T16:00:00Z", "2026-03-10T20:00:00Z", "2026-03-11T00:00:00Z"]
        )
    }

    @Test func weekdaysSkipTheWeekend() throws {
        // 2026-03-13 is a Friday.
        #expect(
            try firings("30 9 * * MON-FRI", after: "2026-03-13T09:30:00Z", count: 2) == ["2026-03-16T09:30:00Z", "2026-03-17T09:30:00Z"]
        )
    }

    @Test func theFirstOfTheMonthCrossesTheYearEnd() throws {
        #expect(try firings("0 0 1 * *", after: "2026-12-15T08:00:00Z", count: 2) == ["2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"])
    }

    @Test func theTwentyNinthOfFebruaryWaitsForTheNextLeapYear() throws {
        #expect(try firings("0 0 29 2 *", after: "2024-03-01T00:00:00Z") == ["2028-02-29T00:00:00Z"])
    }

    @Test func restrictedDayOfMonthAndDayOfWeekMatchEither() throws {
        // January 2026: Fridays are the 2nd, 9th, 16th, 23rd and 30th; the 13th is a Tuesday.
        #expect(
            try firings("0 0 13 * FRI", after: "2026-01-01T12:00:00Z", count: 4)
                == ["2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z"]
        )
    }

    @Test func aDayFieldStartingWithAStarMakesBothDayFieldsMatch() throws {
        // Odd days that are Fridays: every other Friday in January 2026, then the 13th and 27th of February.
        #expect(
            try firings("0 0 */2 * FRI", after: "2026-01-01T12:00:00Z", count: 4)
                == ["2026-01-09T00:00:00Z", "2026-01-23T00:00:00Z", "2026-02-13T00:00:00Z", "2026-02-27T00:00:00Z"]
        )
    }

    @Test func sevenIsSunday() throws {
        #expect(try firings("0 12 * * 7", after: "2026-01-01T00:00:00Z", count: 2) == ["2026-01-04T12:00:00Z", "2026-01-11T12:00:00Z"])
    }

    @Test func aDateExactlyOnAMatchGivesTheNextOne() throws {
        #expect(try firings("30 9 * * *", after: "2026-03-10T09:30:00Z") == ["2026-03-11T09:30:00Z"])
        #expect(try firings("30 9 * * *", after: "2026-03-10T09:29:59Z") == ["2026-03-10T09:30:00Z"])
    }

    @Test func secondsAreDropped() throws {
        let cron = try CronExpression("* * * * *")
        let date = try Date("2026-03-10T10:15:00Z", strategy: .iso8601).addingTimeInterval(42.5)
        #expect(try cron.next(after: date) == Date("2026-03-10T10:16:00Z", strategy: .iso8601))
    }

    @Test(arguments: ["0 0 30 2 *", "0 0 30,31 FEB *", "0 0 31 4,6,9,11 *"])
    func aDateThatNeverComesGivesNil(text: String) throws {
        #expect(try firings(text, after: "2026-01-01T00:00:00Z").isEmpty)
    }

    @Test func aMatchMoreThanFiveYearsAwayGivesNil() throws {
        // 2100 is not a leap year, so after 2096 the next 29th of February is in 2104.
        #expect(try firings("0 0 29 2 *", after: "2096-03-01T00:00:00Z").isEmpty)
    }

    // MARK: Against a scan

    /// Random expressions against a minute-by-minute scan of up to eight days, with the allowed values worked out
    /// while each expression is built rather than by the parser; beyond the window, an answer must still match.
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func answersWhatAMinuteByMinuteScanAnswers(seed: UInt64) throws {
        var random = SplitMix(seed: seed)
        var foundInWindow = 0
        for _ in 0..<50 {
            let expected = RandomCron(random: &random)
            let cron = try CronExpression(expected.text)
            // Somewhere in 2024 through 2031, with seconds and fractions of them.
            let start = Date(timeIntervalSince1970: 1_704_067_200 + Double(random.next() % 252_460_800_000) / 1000)
            let scanned = expected.scan(after: start, minutes: 8 * 24 * 60)
            let next = cron.next(after: start)
            if let scanned {
                foundInWindow += 1
                #expect(next == scanned, "\(expected.text) after \(start)")
            } else if let next {
                #expect(next > start.addingTimeInterval(8 * 24 * 3600) && expected.matches(next), "\(expected.text) after \(start)")
            }
        }
        // The expressions must mostly exercise matches, not only misses.
        #expect(foundInWindow > 25)
    }
}

private let utc: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = .gmt
    return calendar
}()

/// The next `count` firings of `text` after `start`, as ISO 8601 text; fewer when it stops firing.
private func firings(_ text: String, after start: String, count: Int = 1) throws -> [String] {
    let cron = try CronExpression(text)
    var date = try Date(start, strategy: .iso8601)
    var fired: [String] = []
    while fired.count < count, let next = cron.next(after: date) {
        fired.append(next.formatted(.iso8601))
        date = next
    }
    return fired
}

/// `component` of every firing of `text` after `start` and before `end`.
private func values(_ component: Calendar.Component, of text: String, after start: String, before end: String) throws -> [Int] {
    let cron = try CronExpression(text)
    let end = try Date(end, strategy: .iso8601)
    var date = try Date(start, strategy: .iso8601)
    var values: [Int] = []
    while let next = cron.next(after: date), next < end {
        values.append(utc.component(component, from: next))
        date = next
    }
    return values
}

/// A random cron expression and the values each of its fields allows, built together.
private struct RandomCron {
    var text = ""
    var fields: [Set<Int>] = []
    var eitherDay = false

    init(random: inout SplitMix) {
        let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        let weekdays = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        // Stars, in quarters, are likelier in the day and month fields, so that most expressions fire within the scanned window.
        let specs: [(ClosedRange<Int>, [String], UInt64)] = [
            (0...59, [], 1), (0...23, [], 1), (1...31, [], 2), (1...12, months, 3), (0...7, weekdays, 2),
        ]
        var texts: [String] = []
        for (bounds, names, stars) in specs {
            let (text, values) = random.next() % 4 < stars ? ("*", Set(bounds)) : Self.field(bounds, names: names, random: &random)
            texts.append(text)
            fields.append(values)
        }
        self.fields[4] = Set(self.fields[4].map { $0 % 7 })
        self.eitherDay = !texts[2].hasPrefix("*") && !texts[4].hasPrefix("*")
        self.text = texts.joined(separator: " ")
    }

    func matches(_ date: Date) -> Bool {
        let parts = utc.dateComponents([.month, .day, .weekday, .hour, .minute], from: date)
        guard let month = parts.month, let day = parts.day, let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute
        else { return false }
        let dayOfMonth = self.fields[2].contains(day)
        let dayOfWeek = self.fields[4].contains(weekday - 1)
        let dayMatches = self.eitherDay ? dayOfMonth || dayOfWeek : dayOfMonth && dayOfWeek
        return dayMatches && self.fields[0].contains(minute) && self.fields[1].contains(hour) && self.fields[3].contains(month)
            && date.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0
    }

    /// The first matching minute among the `minutes` after `start`; the calendar is asked only about minutes of a
    /// matching time of day, which keeps the scan fast.
    func scan(after start: Date, minutes: Int) -> Date? {
        let first = Int((start.timeIntervalSince1970 / 60).rounded(.down)) + 1
        for minute in first..<first + minutes where self.fields[0].contains(minute % 60) && self.fields[1].contains(minute / 60 % 24) {
            let date = Date(timeIntervalSince1970: Double(minute * 60))
            if self.matches(date) { return date }
        }
        return nil
    }

    /// A comma list of one to three random items: values, ranges and steps, numbers or names in any case.
    private static func field(_ bounds: ClosedRange<Int>, names: [String], random: inout SplitMix) -> (String, Set<Int>) {
        var items: [String] = []
        var values: Set<Int> = []
        for _ in 0...random.next() % 3 {
            let low = bounds.lowerBound + Int(random.next() % UInt64(bounds.count))
            let high = low + Int(random.next() % UInt64(bounds.upperBound - low + 1))
            let step = 1 + Int(random.next() % UInt64(bounds.count / 2))
            func name(_ value: Int) -> String {
                let index = value - bounds.lowerBound
                guard index < names.count, random.next() % 2 == 0 else { return "\(value)" }
                return random.next() % 2 == 0 ? names[index] : names[index].lowercased()
            }
            switch random.next() % 5 {
            case 0:
                items.append(name(low))
                values.insert(low)
            case 1:
                items.append("\(name(low))-\(name(high))")
                values.formUnion(low...high)
            case 2:
                items.append("*/\(step)")
                values.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
            case 3:
                items.append("\(name(low))-\(name(high))/\(step)")
                values.formUnion(stride(from: low, through: high, by: step))
            default:
                items.append("\(name(low))/\(step)")
                values.formUnion(stride(from: low, through: bounds.upperBound, by: step))
            }
        }
        return (items.joined(separator: ","), values)
    }
}
