import SharedModels

/// A dotted path into a JSON document: `data.segments`, `meta.page.total`, `items.0.rows` (numbers index arrays).
public struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    public let components: [String]

    public init?(_ text: String) {
        let components = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !text.isEmpty, !components.contains(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) }) else { return nil }
        self.components = components
    }

    public var description: String { self.components.joined(separator: ".") }

    /// The value at this path, or nil when some step does not exist.
    public func evaluate(_ value: JSONValue) -> JSONValue? {
        var current = value
        for component in self.components {
            switch current {
            case .object(let object):
                guard let next = object[component] else { return nil }
                current = next
            case .array(let array):
                guard let index = Int(component), array.indices.contains(index) else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }
}
