import Tokenization

/// Turns record chunks into id sequences — tokenize, look up ids, apply the length policy —
/// on all cores, in order. Each chunk is encoded by one worker with its own tokenizer.
public struct ChunkEncoder: Sendable {
    public let vocabulary: Vocabulary
    public let options: EncodingOptions
    private let pool: TokenizerPool

    public init(vocabulary: Vocabulary, options: EncodingOptions, workers: Int) throws(TokenizationError) {
        self.vocabulary = vocabulary
        self.options = options
        pool = try TokenizerPool(configuration: vocabulary.configuration, size: workers)
    }

    /// Encodes one chunk (synchronously, on the caller's thread).
    public func encode(_ chunk: RecordChunk) throws -> SequenceChunk {
        var output = SequenceChunk(records: chunk)
        output.ids.reserveCapacity(chunk.utf8.count / 4)
        output.ends.reserveCapacity(chunk.count)
        let vocabulary = self.vocabulary
        let options = self.options
        try pool.withTokenizer { tokenizer in
            var sequence: [Int32] = []
            var unknown = 0
            try chunk.utf8.withUnsafeBufferPointer { all in
                for index in 0..<chunk.count {
                    let bytes = UnsafeBufferPointer(rebasing: all[chunk.range(of: index)])
                    output.statistics.records += 1
                    if options.splitSentences {
                        var current = -1
                        _ = try tokenizer.forEachTokenBySentence(utf8: bytes) { token, sentence in
                            if sentence != current {
                                if current >= 0 { Self.finish(&sequence, unknown: &unknown, options: options, into: &output) }
                                current = sentence
                            }
                            let id = vocabulary.id(for: token)
                            if id == Vocabulary.unknownID { unknown += 1 }
                            sequence.append(id)
                        }
                        if current >= 0 {
                            Self.finish(&sequence, unknown: &unknown, options: options, into: &output)
                        } else {
                            output.statistics.droppedEmpty += 1
                        }
                    } else {
                        try tokenizer.forEachToken(utf8: bytes) { token in
                            let id = vocabulary.id(for: token)
                            if id == Vocabulary.unknownID { unknown += 1 }
                            sequence.append(id)
                        }
                        Self.finish(&sequence, unknown: &unknown, options: options, into: &output)
                    }
                }
            }
        }
        return output
    }

    /// Applies `<bos>`/`<eos>` and the length policy to one sequence and appends it.
    private static func finish(_ sequence: inout [Int32], unknown: inout Int, options: EncodingOptions, into output: inout SequenceChunk) {
        defer {
            sequence.removeAll(keepingCapacity: true)
            unknown = 0
        }
        guard !sequence.isEmpty else {
            output.statistics.droppedEmpty += 1
            return
        }
        let extra = options.addBeginAndEnd ? 2 : 0
        var body = sequence.count
        if let maxLength = options.maxLength, body + extra > maxLength {
            if options.overLength == .drop {
                output.statistics.droppedTooLong += 1
                return
            }
            body = max(0, maxLength - extra)
            output.statistics.truncated += 1
            // Unknowns past the cut are not written, so they are not counted.
            unknown = sequence[..<body].reduce(0) { $0 + ($1 == Vocabulary.unknownID ? 1 : 0) }
        }
        if options.addBeginAndEnd { output.ids.append(Vocabulary.beginID) }
        output.ids.append(contentsOf: sequence[..<body])
        if options.addBeginAndEnd { output.ids.append(Vocabulary.endID) }
        output.ends.append(output.ids.count)
        output.statistics.sequences += 1
        output.statistics.tokens += body + extra
        output.statistics.unknownTokens += unknown
    }
}

