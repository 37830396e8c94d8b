/// Writes JSON straight into bytes, for the few hot responses where Foundation's `JSONEncoder` costs more than
/// the work behind them. Output matches `JSONCoding.encoder` for the same values (no escaped slashes).
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 1024) {
        self.bytes.reserveCapacity(capacity)
    }

    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { self.bytes.append(contentsOf: $0) }
    }

    public mutating func string(_ text: String) {
        self.bytes.append(UInt8(ascii: "\""))
        // Most text needs no escape: it is copied in one go.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            self.bytes.append(contentsOf: text.utf8)
            self.bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): self.raw("\\\"")
            case UInt8(ascii: "\\"): self.raw("\\\\")
            case 0x0A: self.raw("\\n")
            case 0x0D: self.raw("\\r")
            case 0x09: self.raw("\\t")
            case 0x08: self.raw("\\b")
            case 0x0C: self.raw("\\f")
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                self.raw("\\u00")
                self.bytes.append(hex[Int(byte >> 4)])
                self.bytes.append(hex[Int(byte & 0xF)])
            default: self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }

    /// As `JSONEncoder` writes a Double: whole numbers without a fraction, others in their shortest form.
    public mutating func number(_ value: Double) {
        if value == value.rounded(), abs(value) < 1e15 {
            self.bytes.append(contentsOf: String(Int(value)).utf8)
        } else {
            self.bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// Text that is JSON already, as it is.
    public mutating func json(_ text: String) {
        self.bytes.append(contentsOf: text.utf8)
    }

    public mutating func bool(_ value: Bool) {
        value ? self.raw("true") : self.raw("false")
    }

    /// `"key":` — keys here are the caller's own constants, never user input.
    public mutating func key(_ key: StaticString, first: Bool = false) {
        if !first { self.bytes.append(UInt8(ascii: ",")) }
        self.bytes.append(UInt8(ascii: "\""))
        self.raw(key)
        self.raw("\":")
    }

    public mutating func stringArray(_ values: [String]) {
        self.bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { self.bytes.append(UInt8(ascii: ",")) }
            self.string(value)
        }
        self.bytes.append(UInt8(ascii: "]"))
    }

    /// An object of strings, keys sorted.
    public mutating func stringObject(_ values: [String: String]) {
        self.bytes.append(UInt8(ascii: "{"))
        for (index, key) in values.keys.sorted().enumerated() {
            if index > 0 { self.bytes.append(UInt8(ascii: ",")) }
            self.string(key)
            self.bytes.append(UInt8(ascii: ":"))
            self.string(values[key] ?? "")
        }
        self.bytes.append(UInt8(ascii: "}"))
    }

    /// A string, or `null`.
    public mutating func string(_ text: String?) {
        if let text { self.string(text) } else { self.raw("null") }
    }

    /// An object member whose value is a string or `null`: `"key":"value"`.
    public mutating func field(_ key: StaticString, _ value: String?, first: Bool = false) {
        self.key(key, first: first)
        self.string(value)
    }

    /// Any JSON value, object keys sorted.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: self.raw("null")
        case .bool(let value): self.bool(value)
        case .number(let value): self.number(value)
        case .string(let value): self.string(value)
        case .array(let values):
            self.bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { self.bytes.append(UInt8(ascii: ",")) }
                self.value(value)
            }
            self.bytes.append(UInt8(ascii: "]"))
        case .object(let values):
            self.bytes.append(UInt8(ascii: "{"))
            for (index, key) in values.keys.sorted().enumerated() {
                if index > 0 { self.bytes.append(UInt8(ascii: ",")) }
                self.string(key)
                self.bytes.append(UInt8(ascii: ":"))
                self.value(values[key] ?? .null)
            }
            self.bytes.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON array of one object per row, as text (a bulk statement's parameter): `body` writes a row's members,
    /// its first key with `first: true`.
    public static func rows<Rows: Collection>(_ rows: Rows, _ body: (inout JSONWriter, Rows.Element) -> Void) -> String {
        var writer = JSONWriter(capacity: 256 * rows.count + 2)
        writer.append(UInt8(ascii: "["))
        for (index, row) in rows.enumerated() {
            if index > 0 { writer.append(UInt8(ascii: ",")) }
            writer.append(UInt8(ascii: "{"))
            body(&writer, row)
            writer.append(UInt8(ascii: "}"))
        }
        writer.append(UInt8(ascii: "]"))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    public mutating func append(_ byte: UInt8) {
        self.bytes.append(byte)
    }
}
