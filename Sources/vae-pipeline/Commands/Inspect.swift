import ArgumentParser
import CorpusReader
import Foundation

extension VAEPipeline {
    /// `vae-pipeline inspect`: what a user needs to know about a corpus before training on it.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Describe a corpus: compression, members, format, columns, record counts, skipped records, lengths "
                    + "and samples.",
            discussion: """
                Reads every record once, in bounded memory, and reports what it met. Lengths are \
                counted in Unicode scalars ("characters") and whitespace-separated words. Samples \
                are drawn uniformly from the whole corpus (reservoir sampling, fixed seed).
                """
        )

        @OptionGroup var corpus: CorpusOptions

        @Option(help: "How many sample records to show.")
        var samples: Int = 5

        @Option(help: "Stop after this many records (0: read everything).")
        var limit: Int = 0

        @Flag(help: "Print the report as one JSON object on standard output.")
        var json = false

        func validate() throws {
            if samples < 0 { throw ValidationError("--samples cannot be negative.") }
            if limit < 0 { throw ValidationError("--limit cannot be negative.") }
        }

        func run() async throws {
            let started = ContinuousClock.now
            ReaderMemory.keepFreedChunks()
            let reader = try corpus.makeReader()
            let measured = OverlappedLengthStatistics()
            var sampler = ReservoirSampler(capacity: samples, seed: 0x5EED)
            var progressLine = ProgressLine()
            var iterator = reader.makeAsyncIterator()
            var records = 0
            do {
                while let chunk = try await iterator.next() {
                    await measured.add(chunk)
                    sampler.add(chunk)
                    records += chunk.count
                    progressLine.update(chunk.progress, records: records)
                    if limit > 0 && records >= limit { break }
                }
            } catch {
                let statistics = await measured.finish()
                progressLine.finish()
                // Say what was read before the failure, then the failure itself.
                if !json { printSummary(iterator.report, statistics, sampler, elapsed: started.duration(to: .now)) }
                throw error
            }
            let statistics = await measured.finish()
            progressLine.finish()
            let elapsed = started.duration(to: .now)
            if json {
                try printJSON(iterator.report, statistics, sampler, elapsed: elapsed)
            } else {
                printSummary(iterator.report, statistics, sampler, elapsed: elapsed)
            }
        }

        private func printSummary(
            _ report: ReadReport, _ statistics: RecordLengthStatistics, _ sampler: ReservoirSampler, elapsed: Duration
        ) {
            var out = ""
            for member in report.members {
                let place = member.name.map { "\(member.input) → \($0)" } ?? member.input
                let compression = member.compression.isEmpty ? "none" : member.compression.joined(separator: "+")
                out += "input       \(place)\n"
                out +=
                    "            compression \(compression), container \(member.container), format "
                        + "\(member.format.rawValue)"
                out += member.encoding.map { ", \($0) transcoded to UTF-8\n" } ?? "\n"
            }
            for (member, fields) in report.headers {
                out += "columns     \(fields.enumerated().map { "\($0.offset):\($0.element)" }.joined(separator: "  "))"
                out += member.name.map { "  (\($0))" } ?? ""
                out += "\n"
            }
            out += "records     \(Format.count(report.records))"
            if report.blankLines > 0 { out += "  (\(Format.count(report.blankLines)) blank lines passed over)" }
            out += "\n"
            out += "skipped     \(Format.count(report.skipped))\n"
            for line in report.issueSummary { out += "            \(line)\n" }
            if report.verifiedChecksums > 0 {
                out += "checksums   \(report.verifiedChecksums) gzip CRC-32 verified\n"
            }
            let progress = report.progress
            out +=
                "bytes       \(Format.bytes(progress.uncompressedBytes)) of text from "
                    + "\(Format.bytes(progress.compressedBytes)) read"
            out += " in \(Format.decimal(elapsed.seconds, digits: 2)) s"
            if elapsed.seconds > 0 {
                out += " (\(Format.bytes(Int64(Double(progress.uncompressedBytes) / elapsed.seconds)))/s of text)"
            }
            out += "\n"
            out += "characters  \(describe(statistics.characters))\n"
            out += "words       \(describe(statistics.words))\n"
            if !sampler.samples.isEmpty {
                out += "samples\n"
                for sample in sampler.samples {
                    out += "  \(sample.location): \(Format.oneLine(sample.text))\n"
                }
            }
            print(out, terminator: "")
        }

        private func describe(_ histogram: LengthHistogram) -> String {
            guard histogram.count > 0 else { return "—" }
            return
                "mean \(Format.decimal(histogram.mean))  p50 \(histogram.percentile(0.5))  p90 "
                    + "\(histogram.percentile(0.9))  "
                + "p99 \(histogram.percentile(0.99))  max \(histogram.maximum)"
        }

        private func printJSON(
            _ report: ReadReport, _ statistics: RecordLengthStatistics, _ sampler: ReservoirSampler, elapsed: Duration
        ) throws {
            func lengths(_ histogram: LengthHistogram) -> InspectJSON.Lengths {
                .init(
                    mean: histogram.mean, p50: histogram.percentile(0.5), p90: histogram.percentile(0.9),
                    p99: histogram.percentile(0.99), max: histogram.maximum)
            }
            let summary = InspectJSON(
                inputs: corpus.inputs,
                members: report.members.map {
                    .init(
                        input: $0.input, member: $0.name, compression: $0.compression, container: $0.container,
                        format: $0.format.rawValue, encoding: $0.encoding)
                },
                headers: report.headers.map {
                    .init(input: $0.member.input, member: $0.member.name, columns: $0.fields)
                },
                records: report.records,
                blankLines: report.blankLines,
                skipped: report.skippedByKind,
                skippedTotal: report.skipped,
                repairedUTF8: report.repairedRecords,
                issueExamples: report.examples.map(\.description),
                warnings: report.warnings,
                verifiedChecksums: report.verifiedChecksums,
                uncompressedBytes: report.progress.uncompressedBytes,
                compressedBytes: report.progress.compressedBytes,
                characters: lengths(statistics.characters),
                words: lengths(statistics.words),
                samples: sampler.samples.map { .init(location: $0.location.description, text: $0.text) },
                seconds: elapsed.seconds
            )
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        }
    }
}

/// The `inspect --json` document.
struct InspectJSON: Encodable {
    struct Member: Encodable {
        var input: String
        var member: String?
        var compression: [String]
        var container: String
        var format: String
        /// The encoding a byte-order mark announced (transcoded to UTF-8); absent for UTF-8.
        var encoding: String?
    }
    struct Header: Encodable {
        var input: String
        var member: String?
        var columns: [String]
    }
    struct Lengths: Encodable {
        var mean: Double
        var p50: Int
        var p90: Int
        var p99: Int
        var max: Int
    }
    struct Sample: Encodable {
        var location: String
        var text: String
    }
    var inputs: [String]
    var members: [Member]
    var headers: [Header]
    var records: Int
    var blankLines: Int
    var skipped: [String: Int]
    var skippedTotal: Int
    var repairedUTF8: Int
    var issueExamples: [String]
    var warnings: [String]
    var verifiedChecksums: Int
    var uncompressedBytes: Int64
    var compressedBytes: Int64
    var characters: Lengths
    var words: Lengths
    var samples: [Sample]
    var seconds: Double
}
