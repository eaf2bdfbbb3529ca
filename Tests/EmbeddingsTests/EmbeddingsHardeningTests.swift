import CorpusTestSupport
import Foundation
import Testing
import Tokenization

@testable import Embeddings

/// Adversarial vectors files (issue #17): every one gives a counted skip that names the line
/// or record, or an error naming the file; never a crash, a huge allocation or a poisoned matrix.
@Suite struct EmbeddingsHardeningTests {
    /// The error `body` throws, as an EmbeddingError.
    func embeddingError(_ body: () async throws -> Void) async -> EmbeddingError? {
        do {
            try await body()
            return nil
        } catch let error as EmbeddingError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    // MARK: Non-finite and out-of-range values

    @Test(arguments: OOVPolicy.allCases)
    func nanInfAndOverflowingValuesAreSkippedByReasonAndNeverReachTheMatrix(policy: OOVPolicy) async throws {
        let vocabulary = try embeddingVocabulary(["ok", "a", "b", "c", "d", "e", "f", "missing"])
        let text = "ok 1 2 3\na nan 1 2\nb 1 inf 2\nc 1 2 -Infinity\nd 1e40 0 0\ne 0 -3.5e38 0\nf 0 1e30 0\n"
        let matrix = try await loadEmbeddings(text, vocabulary: vocabulary) { $0.oovPolicy = policy }
        let report = matrix.report
        #expect(matrix.values.allSatisfy { $0.isFinite }, "\(policy)")
        #expect(report.skipped[.nonFinite] == 3 && report.skippedLines[.nonFinite] == [2, 3, 4])
        #expect(report.skipped[.outOfRange] == 2 && report.skippedLines[.outOfRange] == [5, 6])
        #expect(report.skipped[.implausibleValue] == 1 && report.skippedLines[.implausibleValue] == [7])
        #expect(report.typesFound == 1)
        #expect(matrix.vector("ok", in: vocabulary) == [1, 2, 3])
        for token in ["a", "b", "c", "d", "e", "f"] where policy == .zero {
            #expect(matrix.vector(token, in: vocabulary) == [0, 0, 0])
        }
    }

    @Test func aLaterGoodLineOfTheSameWordStillCountsAndStrictNamesTheLine() async throws {
        let vocabulary = try embeddingVocabulary(["a", "b"])
        let text = "2 2\na NaN 1\nb 1 2\na 3 4\n"  // word2vec text: the header is line 1
        let matrix = try await loadEmbeddings(text, vocabulary: vocabulary)
        #expect(matrix.report.format == .word2vecText)
        #expect(matrix.vector("a", in: vocabulary) == [3, 4])
        #expect(matrix.report.skippedLines[.nonFinite] == [2])
        let directory = try TemporaryDirectory()
        let path = try directory.write("v.vec", text)
        var options = EmbeddingOptions()
        options.strict = true
        let error = await embeddingError {
            _ = try await EmbeddingLoader(vocabulary: vocabulary, options: options).load(from: .file(path))
        }
        #expect(error == .invalidLine(path: path, member: nil, line: 2, reason: .nonFinite))
        #expect(error?.localizedDescription.contains("line 2: a value is not finite (nan or inf).") == true)
    }

    @Test func maxAbsoluteValueDecidesWhatIsImplausible() async throws {
        let vocabulary = try embeddingVocabulary(["a", "b"])
        let text = "a 5000 1\nb 1 2\n"
        let strictDefault = try await loadEmbeddings(text, vocabulary: vocabulary) { $0.maxAbsoluteValue = 100 }
        #expect(strictDefault.report.skipped[.implausibleValue] == 1)
        let raised = try await loadEmbeddings(text, vocabulary: vocabulary)
        #expect(raised.vector("a", in: vocabulary) == [5000, 1])
        let error = await embeddingError {
            _ = try await loadEmbeddings(text, vocabulary: vocabulary) { $0.maxAbsoluteValue = .infinity }
        }
        guard case .invalidOption(.maxAbsoluteValue, _, _)? = error else {
            Issue.record("\(String(describing: error))"); return
        }
        #expect(error?.localizedDescription == "maxAbsoluteValue must be a positive finite number; inf was given.")
    }

    @Test(arguments: [true, false])
    func binaryNonFiniteAndHugeValuesAreSkippedRecords(newlines: Bool) async throws {
        let vocabulary = try embeddingVocabulary(["a", "b", "c", "d"])
        let rows: [(String, [Float])] = [("a", [1, 2]), ("b", [.nan, 1]), ("c", [1, 3e30]), ("d", [4, 5])]
        let matrix = try await loadEmbeddings(word2vecBinary(rows, newlines: newlines), vocabulary: vocabulary)
        #expect(matrix.values.allSatisfy { $0.isFinite })
        #expect(matrix.report.skippedLines[.nonFinite] == [2])  // records, from 1 after the header
        #expect(matrix.report.skippedLines[.implausibleValue] == [3])
        #expect(matrix.vector("d", in: vocabulary) == [4, 5])
        #expect(matrix.report.typesFound == 2)
    }

    @Test func theFinishedMatrixIsFiniteEvenWhenEveryMatchedValueIsHuge() async throws {
        // Values near the float32 limit: their mean and spread must not overflow the random rows.
        let vocabulary = try embeddingVocabulary(["a", "b", "missing"])
        let matrix = try await loadEmbeddings("a 9e5 -9e5\nb -9e5 9e5\n", vocabulary: vocabulary) { $0.seed = 1 }
        #expect(matrix.values.allSatisfy { $0.isFinite })
    }

    // MARK: Misaligned and truncated word2vec binary

    @Test(arguments: [true, false])
    func aBinaryTokenWithASpaceStopsWithTheRecordInsteadOfGarbage(newlines: Bool) async throws {
        let vocabulary = try embeddingVocabulary(["a", "new", "york", "b"])
        let rows: [(String, [Float])] = [("a", [1, 2, 3, 4]), ("new york", [1, 2, 3, 4]), ("b", [5, 6, 7, 8])]
        let directory = try TemporaryDirectory()
        let path = try directory.write("v.bin", word2vecBinary(rows, newlines: newlines))
        let error = await embeddingError {
            _ = try await EmbeddingLoader(vocabulary: vocabulary).load(from: .file(path))
        }
        guard case let .misalignedRecord(errorPath, _, record, problem)? = error else {
            Issue.record("\(String(describing: error))"); return
        }
        #expect(errorPath == path)
        // With line breaks the first misread vector shows it; without, the garbage token after it.
        #expect(record == (newlines ? 2 : 3))
        #expect(problem.contains(newlines ? "not by the line break" : "control byte"), "\(problem)")
        #expect(error?.localizedDescription.contains("a token containing a space") == true)
    }

    @Test func aWrongHeaderDimensionIsMisalignmentNotValues() async throws {
        let vocabulary = try embeddingVocabulary(["a", "b"])
        var data = word2vecBinary([("a", [1, 2, 3, 4]), ("b", [5, 6, 7, 8])], newlines: true)
        data.replaceSubrange(0..<4, with: Data("2 3\n".utf8))  // the header lies: 3, not 4
        let error = await embeddingError {
            _ = try await loadEmbeddings(data, vocabulary: vocabulary) { $0.format = .word2vecBinary }
        }
        guard case let .misalignedRecord(_, _, record, _)? = error else {
            Issue.record("\(String(describing: error))"); return
        }
        #expect(record == 2)
    }

    @Test func aRunOfGarbageRecordsWithoutLineBreaksStops() async throws {
        // Records of text bytes read as floats: no control byte to catch, but every vector is huge.
        let vocabulary = try embeddingVocabulary(["a"])
        var data = Data("5 2\n".utf8)
        for _ in 0..<5 { data.append(Data("a xyzwxyzw".utf8)) }
        let error = await embeddingError {
            _ = try await loadEmbeddings(data, vocabulary: vocabulary) { $0.format = .word2vecBinary }
        }
        guard case let .misalignedRecord(_, _, record, problem)? = error else {
            Issue.record("\(String(describing: error))"); return
        }
        #expect(record == 3 && problem.contains("the 2 records before it"), "\(problem)")
    }

    @Test func binaryTruncationAndOverlongTokensAreErrorsNamingTheRecord() async throws {
        let vocabulary = try embeddingVocabulary(["a", "b"])
        var data = word2vecBinary([("a", [1, 2]), ("b", [3, 4])], newlines: true)
        data.append(Data("tail".utf8))  // a third record cut inside its token
        var error = await embeddingError { _ = try await loadEmbeddings(data, vocabulary: vocabulary) }
        #expect(
            error?.localizedDescription.contains("ends inside record 3 (token 'tail'): 0 of its 8 vector bytes")
                == true,
            "\(String(describing: error))")

        var long = Data("1 2\n".utf8)
        long.append(Data(repeating: UInt8(ascii: "x"), count: 5000))
        error = await embeddingError {
            _ = try await loadEmbeddings(long, vocabulary: vocabulary) {
                $0.format = .word2vecBinary; $0.maxLineBytes = 2048; $0.chunkBytes = 4096
            }
        }
        guard case let .misalignedRecord(_, _, record, problem)? = error else {
            Issue.record("\(String(describing: error))"); return
        }
        #expect(record == 1 && problem.contains("more than 2048 bytes without the space"))

        // The same cut inside gzip: the error still names the record (or the corrupt stream).
        let directory = try TemporaryDirectory()
        var cut = word2vecBinary([("a", [1, 2]), ("b", [3, 4])], newlines: true)
        cut.removeLast(3)
        try directory.write("v.bin", cut)
        try runTool(["gzip", "v.bin"], in: directory.url)
        error = await embeddingError {
            _ = try await EmbeddingLoader(vocabulary: vocabulary).load(from: .file(directory.path("v.bin.gz")))
        }
        guard case let .truncatedRecord(path, _, cutRecord, token, vectorBytes, _)? = error else {
            Issue.record("\(String(describing: error))"); return
        }
        #expect(path.hasSuffix("v.bin.gz") && cutRecord == 2 && token == "b" && vectorBytes == 6)
    }

    // MARK: The dimension

    @Test func aFirstLineOfTheWrongDimensionDoesNotDecide() async throws {
        let vocabulary = try embeddingVocabulary(["a", "b", "c", "d"])
        let matrix = try await loadEmbeddings("a 1 2\nb 1 2 3\nc 4 5 6\nd 7 8 9\n", vocabulary: vocabulary)
        #expect(matrix.dimension == 3)
        #expect(matrix.report.dimensionSource == .commonest(agreeing: 3, sampled: 4))
        #expect(matrix.report.dimensionSource.description == "the most common in the first 4 vector lines (3 of them)")
        #expect(matrix.report.skippedLines[.wrongDimension] == [1])
        #expect(matrix.vector("b", in: vocabulary) == [1, 2, 3])
    }

    @Test func onlyTheFirstHundredVectorLinesVote() async throws {
        let vocabulary = try embeddingVocabulary(["w0", "w150"])
        let lines = (0..<100).map { "w\($0) 1 2" } + (100..<300).map { "w\($0) 1 2 3" }
        let matrix = try await loadEmbeddings(lines.joined(separator: "\n"), vocabulary: vocabulary) {
            $0.chunkBytes = 4096
        }
        #expect(matrix.dimension == 2 && matrix.report.dimensionSource == .commonest(agreeing: 100, sampled: 100))
        #expect(matrix.report.skipped[.wrongDimension] == 200)
    }

    @Test func aTieNeedsTheDimensionOption() async throws {
        let vocabulary = try embeddingVocabulary(["a", "b"])
        let text = "a 1 2\nb 1 2 3\n"
        let error = await embeddingError { _ = try await loadEmbeddings(text, vocabulary: vocabulary) }
        guard case let .ambiguousDimension(_, _, dimensions, agreeing, sampled)? = error else {
            Issue.record("\(String(describing: error))"); return
        }
        #expect(dimensions == [2, 3] && agreeing == 1 && sampled == 2)
        let chosen = try await loadEmbeddings(text, vocabulary: vocabulary) { $0.dimension = 3 }
        #expect(chosen.dimension == 3 && chosen.report.dimensionSource == .option)
        #expect(chosen.report.skippedLines[.wrongDimension] == [1])
    }

    @Test func theWord2vecHeaderWinsATieAndBinaryHeadersMustMatchTheOption() async throws {
        let vocabulary = try embeddingVocabulary(["a", "b"])
        let text = try await loadEmbeddings("2 3\na 1 2\nb 1 2 3\n", vocabulary: vocabulary)
        #expect(text.dimension == 3 && text.report.dimensionSource == .header && text.report.warnings.isEmpty)
        let binary = word2vecBinary([("a", [1, 2])], newlines: true)
        let error = await embeddingError {
            _ = try await loadEmbeddings(binary, vocabulary: vocabulary) { $0.dimension = 3 }
        }
        #expect(error?.localizedDescription.contains(
                "gives vectors of 2 values, but --dimension is 3 (embeddings.dimension in a pipeline file)") == true)
    }

    // MARK: Bounds on what the file controls

    @Test(arguments: [1_000_000_000, 20_000_000, 10_001])
    func aHugeHeaderDimensionIsRefusedBeforeAllocating(dimension: Int) async throws {
        let vocabulary = try embeddingVocabulary(["a"])
        var data = Data("3 \(dimension)\n".utf8)
        data.append(Data("a ".utf8) + Data(repeating: 0, count: 64))
        let error = await embeddingError {
            _ = try await loadEmbeddings(data, vocabulary: vocabulary) { $0.format = .word2vecBinary }
        }
        guard case let .dimensionTooLarge(_, _, found, source, limit)? = error else {
            Issue.record("\(String(describing: error))"); return
        }
        #expect(found == dimension && source == "from the header" && limit == 10_000)
        #expect(error?.localizedDescription.contains(
                "raise --max-dimension (embeddings.max_dimension in a pipeline file; at most 1000000)") == true)
    }

    @Test func textDimensionIsBoundedAndTheBoundCanBeRaised() async throws {
        let vocabulary = try embeddingVocabulary(["a"])
        let line = "a " + Array(repeating: "1", count: 10_001).joined(separator: " ") + "\n"
        let error = await embeddingError { _ = try await loadEmbeddings(line, vocabulary: vocabulary) }
        guard case .dimensionTooLarge? = error else { Issue.record("\(String(describing: error))"); return }
        let raised = try await loadEmbeddings(line, vocabulary: vocabulary) { $0.maxDimension = 20_000 }
        #expect(raised.dimension == 10_001)
        let overCap = await embeddingError {
            _ = try await loadEmbeddings(line, vocabulary: vocabulary) { $0.maxDimension = 2_000_000 }
        }
        guard case .invalidOption(.maxDimension, _, _)? = overCap else {
            Issue.record("\(String(describing: overCap))"); return
        }
        #expect(overCap?.localizedDescription == "maxDimension must be between 1 and 1000000; 2000000 was given.")
    }

    @Test func theMatrixMustFitInMemoryAndTheHeaderRowCountIsNotAllocated() async throws {
        let vocabulary = try embeddingVocabulary(["a", "b"])  // 6 rows with the special tokens
        let error = await embeddingError {
            _ = try await loadEmbeddings("a 1 2 3\n", vocabulary: vocabulary) { $0.maxMatrixBytes = 50 }
        }
        guard case let .matrixTooLarge(_, _, rows, dimension, bytes, available)? = error else {
            Issue.record("\(String(describing: error))"); return
        }
        #expect(rows == 6 && dimension == 3 && bytes == 72 && available == 50)
        #expect(error?.localizedDescription.contains("lower the vocabulary size") == true)
        // A header claiming 10¹⁷ rows only changes a warning.
        let claimed = try await loadEmbeddings("100000000000000000 2\na 1 2\n", vocabulary: vocabulary)
        #expect(claimed.report.declaredRows == 100_000_000_000_000_000)
        #expect(claimed.report.warnings.contains { $0.contains("declares 100000000000000000 vectors") })
    }

    // MARK: Other shapes of input

    @Test func bomCrlfMissingFinalNewlineAndOverlongLinesInOneChunk() async throws {
        let vocabulary = try embeddingVocabulary(["a", "b", "c"])
        let huge = "c " + String(repeating: "1 ", count: 2000)
        let text = "\u{FEFF}2 2\r\na 1 2\r\n" + huge + "\r\nb 3 4"
        let matrix = try await loadEmbeddings(text, vocabulary: vocabulary) { $0.maxLineBytes = 2048 }
        #expect(matrix.report.format == .word2vecText && matrix.dimension == 2)
        #expect(matrix.vector("a", in: vocabulary) == [1, 2] && matrix.vector("b", in: vocabulary) == [3, 4])
        #expect(matrix.report.skippedLines[.overlongLine] == [3])
    }

    @Test(arguments: ["", "\n\n  \n", "\u{FEFF}", "3 50\n", "3 50\n\n"])
    func filesWithoutVectorsAreAnError(text: String) async throws {
        let vocabulary = try embeddingVocabulary(["a"])
        let error = await embeddingError { _ = try await loadEmbeddings(text, vocabulary: vocabulary) }
        #expect(
            error
                == .noVectors(
                    path: error.flatMap { if case let .noVectors(path, _) = $0 { path } else { nil } } ?? "",
                    member: nil),
            "\(String(describing: error))")
        let binary = await embeddingError {
            _ = try await loadEmbeddings("3 50\n", vocabulary: vocabulary) { $0.format = .word2vecBinary }
        }
        guard case .noVectors? = binary else { Issue.record("\(String(describing: binary))"); return }
    }

    @Test func duplicatesKeepTheFirstAndAreCounted() async throws {
        let vocabulary = try embeddingVocabulary(["a"])
        let matrix = try await loadEmbeddings("a 1 2\na 3 4\na 5 6\n", vocabulary: vocabulary)
        #expect(matrix.vector("a", in: vocabulary) == [1, 2] && matrix.report.duplicates == 2)
    }

    @Test func aZipMemberWithBadValuesIsReadLikeAPlainFile() async throws {
        let vocabulary = try embeddingVocabulary(["a", "b"])
        let directory = try TemporaryDirectory()
        try runTool(
            [
                "python3", "-c",
                """
                import zipfile
                with zipfile.ZipFile('v.zip', 'w', zipfile.ZIP_DEFLATED) as z:
                    z.writestr('v.txt', 'x 1 2\\na nan 1\\nb 1 2\\n')
                """
            ], in: directory.url)
        let matrix = try await EmbeddingLoader(vocabulary: vocabulary).load(from: .file(directory.path("v.zip")))
        #expect(matrix.report.member == "v.txt" && matrix.report.skippedLines[.nonFinite] == [2])
        #expect(matrix.values.allSatisfy { $0.isFinite })
    }
}
