import Hummingbird

extension Request {
    /// The query string's parameters by name; of a repeated one, the last.
    public var queryDictionary: [String: String] {
        Dictionary(self.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { $1 })
    }
}
