// swift-tools-version:6.1
import Foundation
import PackageDescription

// libFuzzer targets for vae-pipeline's parsers. Kept out of the main package so that its
// builds never need sanitizers; build and run them with ../scripts/fuzz.sh (see README.md).
//
// A path dependency's identity is the name of its directory (the checkout or worktree), so it
// is read from this file's location rather than written out.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let main = root.lastPathComponent

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: "fuzz-\(name)",
        dependencies: ["FuzzDriver"] + products.map { .product(name: $0, package: main) },
        path: "Sources/fuzz-\(name)"
    )
}

let package = Package(
    name: "vae-pipeline-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        // libFuzzer's entry point and driver start, shared by every target.
        .target(name: "FuzzDriver", path: "Sources/FuzzDriver"),
        fuzzTarget("csv", ["CorpusReader"]),
        fuzzTarget("lines", ["CorpusReader"]),
        fuzzTarget("jsonl", ["CorpusReader"]),
        fuzzTarget("glove", ["Embeddings", "Tokenization"]),
        fuzzTarget("word2vec", ["Embeddings", "Tokenization"]),
        fuzzTarget("vocabulary-json", ["Tokenization"]),
        fuzzTarget("manifest-json", ["TokenShards", "Batching"]),
        fuzzTarget("safetensors", ["NeuralCore"]),
        fuzzTarget("npy-header", ["TokenShards"]),
        fuzzTarget("pipeline-file", ["Training"])
    ]
)
