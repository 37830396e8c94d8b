import Foundation
import Connectors
import Logging
import SharedModels

/// One page as the customer's API answered it, read through the connection's paths: the records, the next
/// cursor (cursor pagination) and the total (when the page carries it).
struct SourcePage: Sendable {
    var records: [JSONValue]
    var nextCursor: String?
    var total: Int?

    /// A page whose records cannot be found is an error naming the path, as the troubleshooting guide words it.
    init(_ body: JSONValue, config: InboundConfig) throws(PageError) {
        let list: JSONValue
        if let path = config.responsePath {
            guard let parsed = JSONPath(path), let found = parsed.evaluate(body) else {
                throw PageError("Response path returned no records: '\(path)' matched nothing in the response. Check the JSON path (e.g. data.segments vs. results).")
            }
            list = found
        } else {
            list = body
        }
        guard case .array(let records) = list else {
            throw PageError("Response path '\(config.responsePath ?? "(root)")' is not a list of records.")
        }
        self.records = records
        self.nextCursor = config.paginationParams.cursorPath.flatMap(JSONPath.init).flatMap { $0.evaluate(body) }.flatMap(Self.text)
        self.total = config.countResponsePath.flatMap(JSONPath.init).flatMap { $0.evaluate(body) }.flatMap(Self.count)
    }

    /// A count as a whole number, whether the API sends `42` or `"42"`.
    static func count(_ value: JSONValue) -> Int? {
        switch value {
        case .number(let number) where number >= 0 && number == number.rounded() && number < 1e12: return Int(number)
        case .string(let text): return Int(text.trimmingCharacters(in: .whitespaces)).flatMap { $0 >= 0 ? $0 : nil }
        default: return nil
        }
    }

    /// A cursor is text or a number; empty means none.
    private static func text(_ value: JSONValue) -> String? {
        value.idText.flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// Why a page could not be used, for the run's error log.
struct PageError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}
