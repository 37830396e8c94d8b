import Foundation
import SharedModels

/// Reads typed values out of a JSON object field by field, recording a `FieldError` for each bad one.
struct FieldReader {
    let object: [String: JSONValue]
    let prefix: String

    /// Absent or null: the body did not give this field.
    func isMissing(_ key: String) -> Bool {
        self.object[key] == nil || self.object[key] == .null
    }

    func path(_ key: String) -> String { self.prefix.isEmpty ? key : "\(self.prefix).\(key)" }

    func unknownKeys(allowed: Set<String>, into errors: inout FieldErrors) {
        for key in self.object.keys.sorted() where !allowed.contains(key) {
            errors.add(self.path(key), "unknown field")
        }
    }

    func string(_ key: String, maxLength: Int = 2048, into errors: inout FieldErrors) -> String? {
        switch self.object[key] {
        case nil, .null?: return nil
        case .string(let value)?:
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                errors.add(self.path(key), "must not be empty")
                return nil
            }
            guard trimmed.count <= maxLength else {
                errors.add(self.path(key), "must be at most \(maxLength) characters")
                return nil
            }
            return trimmed
        default:
            errors.add(self.path(key), "must be a string")
            return nil
        }
    }

    func url(_ key: String, into errors: inout FieldErrors) -> String? {
        guard let value = self.string(key, into: &errors) else { return nil }
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            errors.add(self.path(key), "must be an absolute http(s) URL")
            return nil
        }
        return value
    }

    func oneOf<T: RawRepresentable>(_ key: String, _ type: T.Type, into errors: inout FieldErrors) -> T?
    where T.RawValue == String, T: CaseIterable {
        guard let raw = self.string(key, into: &errors) else { return nil }
        guard let value = T(rawValue: raw) else {
            errors.add(self.path(key), "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    func int(_ key: String, in range: ClosedRange<Int>, into errors: inout FieldErrors) -> Int? {
        switch self.object[key] {
        case nil, .null?: return nil
        case .number(let value)? where value == value.rounded() && range.contains(Int(exactly: value) ?? Int.min):
            return Int(value)
        default:
            errors.add(self.path(key), "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
    }

    func number(_ key: String, in range: ClosedRange<Double>, into errors: inout FieldErrors) -> Double? {
        switch self.object[key] {
        case nil, .null?: return nil
        case .number(let value)? where range.contains(value): return value
        default:
            errors.add(self.path(key), "must be a number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
    }

    func bool(_ key: String, into errors: inout FieldErrors) -> Bool? {
        switch self.object[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default:
            errors.add(self.path(key), "must be true or false")
            return nil
        }
    }

    func object(_ key: String, into errors: inout FieldErrors) -> FieldReader? {
        switch self.object[key] {
        case nil, .null?: return nil
        case .object(let value)?: return FieldReader(object: value, prefix: self.path(key))
        default:
            errors.add(self.path(key), "must be an object")
            return nil
        }
    }

    /// An object whose values must all be strings (filters, headers, credentials).
    func stringMap(_ key: String, maxEntries: Int = 50, into errors: inout FieldErrors) -> [String: String]? {
        guard let reader = self.object(key, into: &errors) else { return nil }
        guard reader.object.count <= maxEntries else {
            errors.add(self.path(key), "must have at most \(maxEntries) entries")
            return nil
        }
        var map: [String: String] = [:]
        for (name, value) in reader.object {
            guard case .string(let text) = value, text.count <= 8192 else {
                errors.add(reader.path(name), "must be a string of at most 8192 characters")
                continue
            }
            map[name] = text
        }
        return map
    }
}
