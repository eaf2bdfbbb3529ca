extension PipelineFile {
    // Sections as values whose keys can be set one by one (an absent section reads as empty), so
    // that a command-line flag names the key it overrides with one key path:
    // `\PipelineFile.trainingSection.optimizerSection.learningRate`.

    public var batchingSection: BatchingSection {
        get { batching ?? BatchingSection() }
        set { batching = newValue }
    }

    public var modelSection: ModelSection {
        get { model ?? ModelSection() }
        set { model = newValue }
    }

    public var trainingSection: TrainingSection {
        get { training ?? TrainingSection() }
        set { training = newValue }
    }
}

extension TrainingSection {
    public var optimizerSection: OptimizerSection {
        get { optimizer ?? OptimizerSection() }
        set { optimizer = newValue }
    }
}
