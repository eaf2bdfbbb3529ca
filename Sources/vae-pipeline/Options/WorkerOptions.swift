import ArgumentParser
import Foundation

/// How many cores to use.
struct WorkerOptions: ParsableArguments {
    @Option(help: "Chunks tokenized at once (default: the number of cores).")
    var workers: Int = max(1, ProcessInfoCores.active)

    func validate() throws {
        if workers < 1 { throw ValidationError("--workers must be at least 1.") }
    }
}

enum ProcessInfoCores {
    static var active: Int { ProcessInfo.processInfo.activeProcessorCount }
}
