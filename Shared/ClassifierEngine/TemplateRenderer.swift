import Foundation
import SharedModels

/// An output template with its placeholders resolved once: the classifier renders five of them for every name
/// it classifies.
struct TemplateRenderer: Sendable {
    private enum Part: Sendable {
        case text(String)
        case field(TemplateField)
    }

    let template: OutputTemplate
    private let path: [TemplateField]
    private let description: [Part]

    init(_ template: OutputTemplate) {
        self.template = template
        self.path = template.pathFields.compactMap(TemplateField.init(rawValue:))
        self.description = Self.parts(of: template.descriptionTemplate)
    }

    /// The path fields' values under the platform's character rule, empty ones skipped, a value equal to the one
    /// before it dropped, joined by the separator. Written straight into the string's storage: no rule makes a
    /// value longer, so the values and separators bound its size.
    func name(_ classification: Classification) -> String {
        let separator = self.template.separator.utf8
        let capacity = self.path.reduce(0) { $0 + $1.value(in: classification).utf8.count + separator.count }
        let name = String(unsafeUninitializedCapacity: capacity) { output in
            var count = 0
            var previous: Range<Int>?
            for field in self.path {
                let start = count
                if previous != nil { Self.copy(self.template.separator, into: output, at: &count) }
                let valueStart = count
                self.write(field.value(in: classification), into: output, at: &count)
                let isRepeat = previous.map { output[$0].elementsEqual(output[valueStart..<count]) } ?? false
                if count == valueStart || isRepeat {
                    count = start
                } else {
                    previous = valueStart..<count
                }
            }
            return count
        }
        return Self.limit(name, self.template.maxLength)
    }

    /// The description template with each known `{{field}}` filled in; unknown placeholders stay as written.
    func description(_ classification: Classification) -> String {
        let values = self.description.map { part in
            switch part {
            case .text(let text): text
            case .field(let field): field.value(in: classification)
            }
        }
        let description = String(unsafeUninitializedCapacity: values.reduce(0) { $0 + $1.utf8.count }) { output in
            var count = 0
            for value in values { Self.copy(value, into: output, at: &count) }
            return count
        }
        return Self.limit(description, 1000)
    }

    /// `text` under the platform's character rule, at `count`, which moves past it.
    private func write(_ text: String, into output: UnsafeMutableBufferPointer<UInt8>, at count: inout Int) {
        var utf8 = text
        let (isASCII, isPrintable) = utf8.withUTF8 { bytes in
            (bytes.allSatisfy { $0 < 0x80 }, bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7f })
        }
        switch self.template.characterRule {
        case .keep where isPrintable:
            Self.copy(text, into: output, at: &count)
        case .keep:
            for scalar in text.unicodeScalars where !Self.isControl(scalar) {
                UTF8.encode(scalar) { byte in
                    output[count] = byte
                    count += 1
                }
            }
        case .underscore where isASCII:
            Self.writeUnderscored(text.utf8, into: output, at: &count)
        case .underscore:
            // Non-ASCII characters count as separators, whatever they are.
            Self.writeUnderscored(text.utf8.map { $0 < 0x80 ? $0 : UInt8(ascii: " ") }, into: output, at: &count)
        }
    }

    private static func copy(_ text: String, into output: UnsafeMutableBufferPointer<UInt8>, at count: inout Int) {
        var text = text
        count = text.withUTF8 { bytes in
            count + UnsafeMutableBufferPointer(rebasing: output[count...]).initialize(fromContentsOf: bytes)
        }
    }

    /// Letters and digits only, every other run of characters one `_`; words keep their own case ("EV" stays "EV")
    /// and each starts with a capital.
    private static func writeUnderscored(_ text: some Sequence<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>, at count: inout Int) {
        let start = count
        var startsWord = true
        for byte in text {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                if startsWord && count > start {
                    output[count] = UInt8(ascii: "_")
                    count += 1
                }
                output[count] = startsWord && byte >= UInt8(ascii: "a") ? byte - 32 : byte
                count += 1
                startsWord = false
            default:
                startsWord = true
            }
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value)
    }

    /// The template split into literal text and known placeholders.
    private static func parts(of template: String) -> [Part] {
        let bytes = Array(template.utf8)
        var parts: [Part] = []
        var literal: [UInt8] = []
        let flush = {
            if !literal.isEmpty { parts.append(.text(String(decoding: literal, as: UTF8.self))) }
            literal = []
        }
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "{"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{"),
                let close = Self.closing(bytes, from: index + 2),
                let field = TemplateField(rawValue: String(decoding: bytes[(index + 2)..<close], as: UTF8.self))
            {
                flush()
                parts.append(.field(field))
                index = close + 2
            } else {
                literal.append(bytes[index])
                index += 1
            }
        }
        flush()
        return parts
    }

    /// The index of the `}}` that closes a placeholder opened before `start`.
    private static func closing(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "}") && bytes[index + 1] == UInt8(ascii: "}") { return index }
            index += 1
        }
        return nil
    }

    private static func limit(_ text: String, _ maxLength: Int) -> String {
        text.utf8.count <= maxLength || text.count <= maxLength ? text : String(text.prefix(maxLength)).trimmingCharacters(in: .whitespaces)
    }
}
