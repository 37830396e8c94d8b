import ArgumentParser

@main
struct AudienceHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audiencehub",
        abstract: "The Audience Hub command line: a client of the public API.",
        subcommands: [Admin.self, Sync.self, Push.self]
    )
}

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Operator tasks that need the internal token (INTERNAL_TOKEN).",
        subcommands: [AdminInit.self]
    )
}
