import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs the repository's own scripts, as the README tells a person to.
///
/// Spawned with `posix_spawn` and reaped with `waitpid`, not Foundation's `Process`: inside the test runner its
/// `waitUntilExit` never saw the child exit.
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
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("ah-script-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let pid = try self.spawn(path, arguments, environment: environment, outputPath: outputPath)
        let status = self.wait(pid)
        return Result(status: status, output: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    /// Starts `path` in the background, its stdout and stderr into `outputPath`; `wait` reaps it.
    public static func spawn(_ path: String, _ arguments: [String], environment: [String: String] = [:], outputPath: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        // bash closes every descriptor above stderr before exec'ing the program, so no socket of the test runner
        // outlives it in a daemon the program starts. (A redirection on the whole loop would be made permanent by
        // the exec inside it, and the program's stderr would go with it.)
        let closeAndExec = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && { eval "exec $n>&-"; } 2>/dev/null; done; exec "$0" "$@""#
        let argv = (["/bin/bash", "-c", closeAndExec, path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        return pid
    }

    /// Waits for a spawned process; its exit code, or 128 + the signal that ended it.
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
