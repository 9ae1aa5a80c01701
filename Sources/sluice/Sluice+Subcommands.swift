import ArgumentParser

extension Sluice {
    /// Every subcommand, in the order `--help` lists them.
    static let allSubcommands: [any ParsableCommand.Type] = [
        Run.self,
        Pipeline.self,
        Schema.self,
        Cat.self,
        Query.self,
        Worker.self,
        Notify.self,
        Watch.self,
        Jobs.self,
        Deploy.self,
    ]
}
