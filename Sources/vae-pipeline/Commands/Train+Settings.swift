import Foundation
import Models
import Training

/// A `train` flag that decides what the run does: whether it was given, whether `--resume`
/// accepts it, and how it changes the pipeline file (nil for flags that choose the run rather
/// than one of its keys).
struct TrainSetting {
    let name: String
    let isGiven: Bool
    /// The limits only (epochs, steps, minutes): changing them does not change what an
    /// uninterrupted run would have done.
    let mayChangeOnResume: Bool
    let apply: ((inout PipelineFile) -> Void)?

    /// A flag that sets one key of the pipeline file to its value.
    init<Value>(
        _ name: String, _ value: Value?, sets key: WritableKeyPath<PipelineFile, Value?>,
        mayChangeOnResume: Bool = false
    ) {
        self.name = name
        isGiven = value != nil
        self.mayChangeOnResume = mayChangeOnResume
        apply = { file in file[keyPath: key] = value }
    }

    /// A flag that changes the file its own way, or (without `apply`) none of its keys.
    init(_ name: String, isGiven: Bool, apply: ((inout PipelineFile) -> Void)? = nil) {
        self.name = name
        self.isGiven = isGiven
        mayChangeOnResume = false
        self.apply = apply
    }
}

extension VAEPipeline.Train {
    /// Every flag that decides what the run does, in the order `--resume` names them: the given
    /// ones are applied to the pipeline file by ``overridden(_:)``, and `--resume` refuses those it
    /// may not change.
    var settings: [TrainSetting] {
        [
            TrainSetting("a pipeline file", isGiven: pipeline != nil),
            TrainSetting("--input", isGiven: !inputs.isEmpty) { file in
                file.data.inputs = inputs.map {
                    $0 == "-" || $0.hasPrefix("/") ? $0 : URL(fileURLWithPath: $0).standardizedFileURL.path
                }
                file.data.shards = nil
            },
            TrainSetting("--shards", isGiven: shards != nil) { file in
                file.data.shards = shards.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                file.data.inputs = nil
            },
            TrainSetting("--out", out, sets: \.output),
            TrainSetting("--overwrite", isGiven: overwrite),
            TrainSetting("--stream", isGiven: stream),
            TrainSetting("--epochs", epochs, sets: \.trainingSection.epochs, mayChangeOnResume: true),
            TrainSetting("--max-steps", maxSteps, sets: \.trainingSection.maxSteps, mayChangeOnResume: true),
            TrainSetting("--max-minutes", maxMinutes, sets: \.trainingSection.maxMinutes, mayChangeOnResume: true),
            TrainSetting("--batch-size", batchSize, sets: \.batchingSection.batchSize),
            TrainSetting("--learning-rate", learningRate, sets: \.trainingSection.optimizerSection.learningRate),
            TrainSetting("--clip-norm", clipNorm, sets: \.trainingSection.clipNorm),
            TrainSetting("--latent", latent, sets: \.modelSection.latent),
            TrainSetting("--seed", seed, sets: \.trainingSection.seed),
            TrainSetting("--validate-every", validateEvery, sets: \.trainingSection.validateEvery),
            TrainSetting("--batch-shards", batchShards, sets: \.trainingSection.batchShards),
            TrainSetting("--checkpoint-every", checkpointEvery, sets: \.trainingSection.checkpointEvery),
            TrainSetting("--vectors", isGiven: vectors != nil) { file in
                guard let vectors else { return }
                var embeddings = file.embeddings ?? EmbeddingsSection(vectors: vectors)
                embeddings.vectors = URL(fileURLWithPath: vectors).standardizedFileURL.path
                file.embeddings = embeddings
            },
            TrainSetting("--model", model.flatMap(ModelKind.init(rawValue:)), sets: \.modelSection.type),
            TrainSetting("--hidden", hidden, sets: \.modelSection.hidden),
            TrainSetting("--teacher-forcing", teacherForcing, sets: \.modelSection.teacherForcing),
            // A window from the command line replaces the file's window and stride together.
            TrainSetting("--window", isGiven: window != nil) { file in
                file.batchingSection.window = window
                file.batchingSection.stride = nil
            },
            TrainSetting("--stride", stride, sets: \.batchingSection.stride)
        ]
    }

    /// The pipeline file with the given flags applied.
    func overridden(_ base: PipelineFile) -> PipelineFile {
        var file = base
        for setting in settings where setting.isGiven { setting.apply?(&file) }
        // run.json has always held these three sections, empty or not.
        file.batching = file.batchingSection
        file.model = file.modelSection
        file.training = file.trainingSection
        return file
    }

    /// The limits given on the command line, applied to a resumed run's pipeline.
    func applyLimits(_ file: inout PipelineFile) {
        for setting in settings where setting.isGiven && setting.mayChangeOnResume { setting.apply?(&file) }
    }
}
