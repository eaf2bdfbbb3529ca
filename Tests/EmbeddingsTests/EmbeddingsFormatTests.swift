import CorpusReader
import CorpusTestSupport
import Foundation
import Testing
import Tokenization

@testable import Embeddings
@testable import TokenShards

/// word2vec binary: `count dim\n`, then per row the token, a space and `dim` little-endian float32.
func word2vecBinary(_ rows: [(String, [Float])], newlines: Bool) -> Data {
    var data = Data("\(rows.count) \(rows.first?.1.count ?? 0)\n".utf8)
    for (token, vector) in rows {
        data.append(contentsOf: Array(token.utf8) + [0x20])
        for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        if newlines { data.append(0x0A) }
    }
    return data
}

@Suite struct EmbeddingsFormatTests {
    @Test func word2vecTextHeaderIsDetectedAndNotCounted() async throws {
        let vocabulary = try embeddingVocabulary(["a", "b"])
        let matrix = try await loadEmbeddings("2 3\na 1 2 3\nb 4 5 6\n", vocabulary: vocabulary)
        #expect(matrix.report.format == .word2vecText)
        #expect(matrix.report.declaredRows == 2 && matrix.dimension == 3)
        #expect(matrix.report.skippedTotal == 0)
        #expect(matrix.vector("b", in: vocabulary) == [4, 5, 6])
        #expect(matrix.report.warnings.isEmpty)
        let miscounted = try await loadEmbeddings("5 3\na 1 2 3\nb 4 5 6\n", vocabulary: vocabulary)
        #expect(miscounted.report.warnings == ["The header declares 5 vectors, but 2 lines followed it."])
        let otherDimension = try await loadEmbeddings("2 4\na 1 2 3\nb 4 5 6\n", vocabulary: vocabulary)
        #expect(otherDimension.dimension == 3)  // the first vector line decides
        #expect(otherDimension.report.warnings.contains { $0.contains("but the lines have 3") })
        // Read as GloVe, the header is a skipped line of its own kind (not fatal even in strict mode).
        let glove = try await loadEmbeddings("2 3\na 1 2 3\nb 4 5 6\n", vocabulary: vocabulary) {
            $0.format = .glove; $0.strict = true
        }
        #expect(glove.report.format == .glove && glove.report.skipped[.header] == 1)
        #expect(glove.vector("a", in: vocabulary) == [1, 2, 3])
    }

    @Test(arguments: [true, false])
    func word2vecBinaryIsDetectedFromTheBytes(newlines: Bool) async throws {
        let vocabulary = try embeddingVocabulary(["king", "queen", "é"])
        let rows: [(String, [Float])] = [
            ("king", [0.1, -2.5, 3e-8, 1]), ("other", [9, 9, 9, 9]),
            ("queen", [.pi, -0.0, 1e5, 2]), ("é", [4, 3, 2, 1]), ("king", [7, 7, 7, 7])
        ]
        let data = word2vecBinary(rows, newlines: newlines)
        let matrix = try await loadEmbeddings(data, name: "vectors.bin", vocabulary: vocabulary) {
            $0.chunkBytes = 4096
        }
        #expect(matrix.report.format == .word2vecBinary)
        #expect(matrix.dimension == 4 && matrix.report.declaredRows == 5)
        #expect(matrix.vector("king", in: vocabulary) == [0.1, -2.5, 3e-8, 1])
        #expect(matrix.vector("queen", in: vocabulary) == [.pi, -0.0, 1e5, 2])
        #expect(matrix.vector("é", in: vocabulary) == [4, 3, 2, 1])
        #expect(matrix.report.duplicates == 1)
        #expect(matrix.report.linesRead == 6)  // header + 5 rows
        #expect(matrix.report.skippedTotal == 0)
    }

    @Test func binaryRowsAcrossTinyChunksAndATruncatedLastRow() async throws {
        let vocabulary = try embeddingVocabulary(["w0", "w1", "w299"])
        let rows = (0..<300).map { ("w\($0)", (0..<100).map { Float($0) * 0.5 }) }
        var data = word2vecBinary(rows, newlines: true)
        let matrix = try await loadEmbeddings(data, vocabulary: vocabulary) {
            $0.chunkBytes = 4096; $0.format = .word2vecBinary
        }
        #expect(matrix.vector("w299", in: vocabulary) == rows[299].1)
        // Cut inside the last record: an error naming the record, not a half-read row.
        data.removeLast(10)
        do {
            _ = try await loadEmbeddings(data, vocabulary: vocabulary) { $0.chunkBytes = 4096 }
            Issue.record("expected an error")
        } catch let error as EmbeddingError {
            guard case let .truncatedRecord(path, _, record, token, vectorBytes, expectedBytes) = error else {
                Issue.record("\(error)"); return
            }
            #expect(path.hasSuffix("vectors.txt") && record == 300 && token == "w299")
            #expect(vectorBytes == 391 && expectedBytes == 400)
            #expect(
                error.localizedDescription.contains(
                    "ends inside record 300 (token 'w299'): 391 of its 400 vector bytes"))
        }
    }

    @Test func binaryDetectionIsNotFooledByAFloatStartingWithALineBreakByte() throws {
        for pattern: UInt32 in [0x3F80_000A, 0x3F80_0D0A, 0x0000_000A] {
            let data = word2vecBinary([("w", [Float(bitPattern: pattern), 1]), ("v", [2, 3])], newlines: false)
            let bytes = [UInt8](data)
            let body = bytes.firstIndex(of: 0x0A)! + 1
            let binary = bytes[body...].withUnsafeBufferPointer {
                EmbeddingScanner.looksBinary($0.baseAddress!, $0.count, dimension: 2)
            }
            #expect(binary, "\(String(pattern, radix: 16))")
        }
        let text = [UInt8]("w 1.5 2\nv 3 4\n".utf8)
        #expect(!text.withUnsafeBufferPointer { EmbeddingScanner.looksBinary($0.baseAddress!, $0.count, dimension: 2) })
    }

    @Test func binaryFormatWithoutAHeaderIsAnError() async throws {
        let vocabulary = try embeddingVocabulary(["a"])
        await #expect(throws: EmbeddingError.missingBinaryHeader(path: "", member: nil).self) {
            do {
                _ = try await loadEmbeddings("a 1 2\n", vocabulary: vocabulary) { $0.format = .word2vecBinary }
            } catch let error as EmbeddingError {
                guard case .missingBinaryHeader = error else { throw error }
                throw EmbeddingError.missingBinaryHeader(path: "", member: nil)
            }
        }
    }

    @Test func compressedVectorsAreDetectedFromTheBytes() async throws {
        let vocabulary = try embeddingVocabulary(["a", "b"])
        let directory = try TemporaryDirectory()
        try directory.write("v.txt", "a 1 2\nb 3 4\n")
        for tool in [["gzip", "-k"], ["xz", "-k"], ["zstd", "-q"], ["bzip2", "-k"]] {
            guard (try? runTool(["which", tool[0]])) != nil else { continue }
            try runTool(tool + ["-f", "v.txt"], in: directory.url)
        }
        for name in ["v.txt.gz", "v.txt.xz", "v.txt.zst", "v.txt.bz2"]
        where FileManager.default.fileExists(atPath: directory.path(name)) {
            // A misleading name: detection is from the bytes.
            let renamed = directory.path(name + ".data")
            try FileManager.default.copyItem(atPath: directory.path(name), toPath: renamed)
            let matrix = try await EmbeddingLoader(vocabulary: vocabulary).load(from: .file(renamed))
            #expect(matrix.vector("b", in: vocabulary) == [3, 4], "\(name)")
            #expect(!matrix.report.compression.isEmpty, "\(name)")
        }
    }

    @Test func aZipWithSeveralMembersNeedsMember() async throws {
        let vocabulary = try embeddingVocabulary(["the", "of"])
        let directory = try TemporaryDirectory()
        try runTool(
            [
                "python3", "-c",
                """
                import zipfile
                with zipfile.ZipFile('glove.zip', 'w', zipfile.ZIP_DEFLATED) as z:
                    z.writestr('glove.6B.50d.txt', 'the 1 2\\nof 3 4\\n')
                    z.writestr('glove.6B.100d.txt', 'the 5 6 7\\nof 8 9 10\\n')
                    z.writestr('glove.6B.300d.txt', 'the 11 12 13 14\\nof 15 16 17 18\\n')
                """
            ], in: directory.url)
        let path = directory.path("glove.zip")
        var options = EmbeddingOptions()
        options.memberPatterns = ["*.100d.txt"]
        let matrix = try await EmbeddingLoader(vocabulary: vocabulary, options: options).load(from: .file(path))
        #expect(matrix.dimension == 3)
        #expect(matrix.vector("of", in: vocabulary) == [8, 9, 10])
        #expect(matrix.report.member == "glove.6B.100d.txt")
        #expect(matrix.report.container.contains("ZIP"))

        do {
            _ = try await EmbeddingLoader(vocabulary: vocabulary).load(from: .file(path))
            Issue.record("expected an error")
        } catch let error as EmbeddingError {
            #expect(
                error
                    == .severalMembers(
                        path: path, members: ["glove.6B.50d.txt", "glove.6B.100d.txt", "glove.6B.300d.txt"],
                        complete: true))
            #expect(
                error.localizedDescription.contains(
                    "holds 3 members to read ('glove.6B.50d.txt', 'glove.6B.100d.txt', 'glove.6B.300d.txt'); "
                        + "choose one with --member"
                ))
        }
        options.memberPatterns = ["*00d.txt"]
        await #expect(
            throws: EmbeddingError.severalMembers(
                path: path, members: ["glove.6B.100d.txt", "glove.6B.300d.txt"], complete: true)
        ) {
            _ = try await EmbeddingLoader(vocabulary: vocabulary, options: options).load(from: .file(path))
        }
        options.memberPatterns = ["*.42d.txt"]
        await #expect(throws: CorpusError.noMatchingMembers(patterns: ["*.42d.txt"])) {
            _ = try await EmbeddingLoader(vocabulary: vocabulary, options: options).load(from: .file(path))
        }
    }

    @Test func aTarWithSeveralMembersStopsAtTheSecond() async throws {
        let vocabulary = try embeddingVocabulary(["x"])
        let directory = try TemporaryDirectory()
        try directory.write("vec/a.txt", "x 1 2\n")
        try directory.write("vec/b.txt", "x 3 4\n")
        try runTool(["tar", "cf", "v.tar", "vec/a.txt", "vec/b.txt"], in: directory.url)
        let path = directory.path("v.tar")
        await #expect(
            throws: EmbeddingError.severalMembers(path: path, members: ["vec/a.txt", "vec/b.txt"], complete: false)
        ) {
            _ = try await EmbeddingLoader(vocabulary: vocabulary).load(from: .file(path))
        }
    }

    @Test func aMemberOfACompressedTar() async throws {
        let vocabulary = try embeddingVocabulary(["x"])
        let directory = try TemporaryDirectory()
        try directory.write("vec/a.vec", "1 2\nx 1 2\n")
        try directory.write("vec/readme.md", "not vectors\n")
        try runTool(["tar", "czf", "v.tgz", "vec"], in: directory.url)
        var options = EmbeddingOptions()
        options.memberPatterns = ["*.vec"]
        let matrix = try await EmbeddingLoader(vocabulary: vocabulary, options: options).load(
            from: .file(directory.path("v.tgz")))
        #expect(matrix.report.format == .word2vecText)
        #expect(matrix.vector("x", in: vocabulary) == [1, 2])
    }

    @Test func aTruncatedGzipIsAnErrorNamingTheFile() async throws {
        let vocabulary = try embeddingVocabulary(["w1"])
        let directory = try TemporaryDirectory()
        let lines = (0..<20_000).map { "w\($0) \($0).25 -\($0).5 1e-3" }.joined(separator: "\n")
        try directory.write("v.txt", lines)
        try runTool(["gzip", "v.txt"], in: directory.url)
        let full = try Data(contentsOf: URL(fileURLWithPath: directory.path("v.txt.gz")))
        let path = try directory.write("cut.txt.gz", full.prefix(full.count / 2))
        do {
            _ = try await EmbeddingLoader(vocabulary: vocabulary).load(from: .file(path))
            Issue.record("expected an error")
        } catch let error as CorpusError {
            guard case let .corruptInput(errorPath, _, _, _, _) = error else { Issue.record("\(error)"); return }
            #expect(errorPath == path)
        }
    }

    @Test func missingFileIsAClearError() async throws {
        let vocabulary = try embeddingVocabulary(["a"])
        await #expect(throws: CorpusError.unreadableInput(path: "/nonexistent/v.txt", reason: "no such file")) {
            _ = try await EmbeddingLoader(vocabulary: vocabulary).load(from: .file("/nonexistent/v.txt"))
        }
    }

    @Test func npyMatrixHeaderIsAlignedAndDescribesTheShape() throws {
        let header = NpyMatrixWriter.header(rows: 12004, columns: 300)
        #expect(header.count % 64 == 0)
        let text = String(decoding: header.dropFirst(10), as: UTF8.self)
        #expect(text.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (12004, 300), }"))
        #expect(text.hasSuffix("\n"))
        let directory = try TemporaryDirectory()
        let path = directory.path("m.npy")
        try NpyMatrixWriter.write([1, 2, 3, 4, 5, 6], rows: 2, columns: 3, to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = NpyMatrixWriter.header(rows: 2, columns: 3).count
        #expect(headerLength % 64 == 0 && data.count == headerLength + 24)
        let values = data.dropFirst(headerLength).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(values == [1, 2, 3, 4, 5, 6])
        // No temporary file is left.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["m.npy"])
    }
}
