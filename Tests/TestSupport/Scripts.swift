import Foundation

/// Runs the repository's own scripts, as the README tells a person to.
public enum Scripts {
    /// The repository root, found from this file's place in it.
    public static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    public struct Result: Sendable {
        public var status: Int32
        public var output: String
    }

    /// Runs `scripts/<name>` with extra environment, waiting for it; stdout and stderr together.
    @discardableResult
    public static func run(_ name: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> Result {
        try self.execute(self.root.appendingPathComponent("scripts/\(name)").path, arguments, environment: environment)
    }

    public static func execute(_ path: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = self.root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
