import ArgumentParser
import CorpusReader

/// Options that only one record format reads (`--column` CSV/TSV, `--field` JSON Lines) are
/// refused when the format in force would ignore them.
///
/// With `--format auto` the format comes from each file's name; standard input has none and is
/// read as lines, so a CSV-only option there must come with `--format csv` (or `tsv`). Archives
/// are not judged: their members are named inside.
enum FormatSpecificOptions {
    static let archiveSuffixes = [
        ".tar", ".tgz", ".tbz", ".tbz2", ".txz", ".tzst", ".tlz4", ".zip", ".7z", ".cpio", ".iso", ".rar", ".ar"
    ]

    static func check(format: RecordFormat, inputs: [String], given: [(Bool, String, [RecordFormat])]) throws {
        for (isGiven, flag, formats) in given where isGiven {
            let names = formats.map(\.rawValue).joined(separator: " or ")
            let suggestion = formats.map { "--format \($0.rawValue)" }.joined(separator: " or ")
            if format != .auto {
                guard formats.contains(format) else {
                    throw ValidationError(
                        "\(flag) applies to \(names) input only, so with --format \(format.rawValue) it would be "
                            + "ignored; use \(suggestion) or drop \(flag)."
                    )
                }
                continue
            }
            for input in inputs {
                if input == "-" {
                    throw ValidationError(
                        "\(flag) applies to \(names) input only, but --format auto cannot tell what standard input "
                            + "('-') holds and reads it as lines; add \(suggestion)."
                    )
                }
                var name = input.lowercased()
                for suffix in [".gz", ".gzip", ".bz2", ".xz", ".lzma", ".zst", ".zstd", ".lz4", ".z"]
                where name.hasSuffix(suffix) {
                    name.removeLast(suffix.count)
                }
                if archiveSuffixes.contains(where: { name.hasSuffix($0) }) { continue }
                let detected = RecordFormat.detect(fromName: input)
                if !formats.contains(detected) {
                    throw ValidationError(
                        "\(flag) applies to \(names) input only, but --format auto reads '\(input)' as "
                            + "\(detected.rawValue) (by its name); add \(suggestion) if it holds \(names)."
                    )
                }
            }
        }
    }
}
