import SharedModels

extension JSONValue {
    /// A field of an object value, for terse assertions.
    public func field(_ key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }
}
