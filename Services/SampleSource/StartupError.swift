/// Why the service cannot start: a bad environment variable or a missing bundled resource.
struct StartupError: Error, CustomStringConvertible {
    let message: String
    var description: String { self.message }
}
