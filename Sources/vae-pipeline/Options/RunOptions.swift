import ArgumentParser
import Foundation
import Training

extension TrainedModel.Choice: ExpressibleByArgument {}

/// Which trained model to use: shared by every command that runs one.
struct RunOptions: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "A run directory written by 'vae-pipeline train', or one of its checkpoint directories.", valueName: "run"))
    var run: String

    @Option(help: "Which checkpoint of a run directory: best (by validation; latest if none) or latest.")
    var checkpoint: TrainedModel.Choice = .best

    func load() throws -> TrainedModel {
        let model = try TrainedModel(path: run, choice: checkpoint)
        if let note = model.unverifiedNote { FileHandle.standardError.write(Data((note + "\n").utf8)) }
        return model
    }
}
