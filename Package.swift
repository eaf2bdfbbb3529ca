// swift-tools-version:6.1
import PackageDescription

// Module layout (dependencies point downwards only):
//
//   vae-pipeline (executable: argument parsing, progress, printing)
//       │
//   Training (loop, checkpoints, metrics, reports, pipeline files)
//       │                                                │
//   Batching    Embeddings (word vectors → matrix)     Models (sentence VAE, …)
//       │           │                                    │
//   TokenShards (records → token shards: tokenizing passes, npy, manifests)
//       │               │                 │            NeuralCore
//   CorpusReader    AsyncOperators    Tokenization       │
//       │                                 │            COpenBLAS, CKernels
//   CArchive, CDeflate,              CICUShim, CScan   CMPI (Training's, dlopened Open MPI)
//   CIsal, CZstd, CScan, CMalloc
//
// CScan holds the reader's byte scanners and the tokenizer's word scan. The reader knows no tokenizer. Batching and Embeddings also use CorpusReader directly, Batching
// AsyncOperators too.
//
//   Support (every Swift module's base: seeded generators, atomic files and file system calls,
//   parallel loops, special token ids, CRC-32 through CDeflate, early writeback through CFileSync)
//
// C is isolated in the C* targets; each Swift module imports its C target in one file.
let package = Package(
    name: "vae-pipeline",
    products: [
        .executable(name: "vae-pipeline", targets: ["vae-pipeline"]),
        .library(name: "Support", targets: ["Support"]),
        .library(name: "CorpusReader", targets: ["CorpusReader"]),
        .library(name: "TokenShards", targets: ["TokenShards"]),
        .library(name: "Embeddings", targets: ["Embeddings"]),
        .library(name: "AsyncOperators", targets: ["AsyncOperators"]),
        .library(name: "Tokenization", targets: ["Tokenization"]),
        .library(name: "NeuralCore", targets: ["NeuralCore"]),
        .library(name: "Batching", targets: ["Batching"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Training", targets: ["Training"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1")
    ],
    targets: [
        // C libraries.
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        // libdeflate's CRC-32 fingerprints every corpus read (ISA-L checks the gzip data itself).
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        // ISA-L inflates gzip (the usual corpus compression) several times faster than zlib.
        .systemLibrary(
            name: "CIsal",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),
        // zstd read directly rather than through libarchive, which copies every decompressed byte.
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // glibc's mallopt, for ReaderMemory (malloc.h is not part of Glibc's Swift module).
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // NeuralCore's own kernels (`ck_*`): GEMMs against a weight packed once per pass for the
        // small per-step recurrent products, and LSTM step kernels, with AVX2/AVX-512 paths chosen
        // at run time (Swift itself is compiled for baseline x86-64).
        .target(name: "CKernels"),
        // The reader's byte scanners (`cs_*`): CSV structure, UTF-8 validation and record
        // measuring with AVX2/AVX-512 paths chosen at run time. Apart from CKernels because
        // CorpusReader must not depend on NeuralCore.
        .target(name: "CScan"),
        // Linux's sync_file_range (a GNU extension Glibc's Swift module leaves out), so that files
        // whose content is final start going to disk while the run goes on.
        .target(name: "CFileSync"),
        // ICU's headers rename every function per version (ubrk_open → ubrk_open_72), which the
        // Swift importer cannot follow, so Swift reaches ICU only through this shim.
        // Open MPI for data-parallel training across processes, loaded with dlopen at run time so
        // that the package builds and runs without MPI (`vae-pipeline --version` says which).
        .target(name: "CMPI"),
        .target(
            name: "CICUShim",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n"), .linkedLibrary("icudata")]
        ),

        // Swift modules.
        .target(name: "Support", dependencies: ["CDeflate", "CFileSync"]),
        .target(
            name: "CorpusReader", dependencies: ["CArchive", "CDeflate", "CIsal", "CZstd", "CScan", "CMalloc", "Support"]),
        .target(name: "AsyncOperators"),
        .target(name: "TokenShards", dependencies: ["CorpusReader", "Tokenization", "AsyncOperators", "Support"]),
        .target(name: "Embeddings", dependencies: ["CorpusReader", "TokenShards", "Tokenization", "Support"]),
        .target(name: "Tokenization", dependencies: ["CICUShim", "CScan", "Support"]),
        .target(name: "NeuralCore", dependencies: ["COpenBLAS", "CKernels", "Support"]),
        .target(
            name: "Batching", dependencies: ["CorpusReader", "TokenShards", "AsyncOperators", "Tokenization", "Support"]
        ),
        .target(name: "Models", dependencies: ["NeuralCore", "Support"]),
        .target(
            name: "Training",
            dependencies: [
                "Batching", "Models", "NeuralCore", "CorpusReader", "TokenShards", "Embeddings", "Tokenization",
                "Support",
                "CMPI",
                .product(name: "Yams", package: "Yams")
            ]
        ),
        .executableTarget(
            name: "vae-pipeline",
            dependencies: [
                "CorpusReader",
                "TokenShards",
                "Embeddings",
                "Tokenization",
                "Batching",
                "Models",
                "NeuralCore",
                "Training",
                "Support",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]
        ),

        // Train-step throughput of the models on the benchmark suite's shapes (Benchmarks/run.sh train).
        .executableTarget(name: "model-benchmark", dependencies: ["Models", "NeuralCore", "Support"]),

        // Tests mirror the modules; NumericTestSupport holds tolerances derived from float32 arithmetic,
        // CorpusTestSupport the temporary directories, tool runs and whole reads the corpus tests share.
        .target(name: "NumericTestSupport", path: "Tests/NumericTestSupport"),
        .target(name: "CorpusTestSupport", dependencies: ["CorpusReader"], path: "Tests/CorpusTestSupport"),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "CorpusReaderTests", dependencies: ["CorpusReader", "CorpusTestSupport", "Support"]),
        .testTarget(
            name: "TokenShardsTests",
            dependencies: [
                "TokenShards", "CorpusReader", "AsyncOperators", "Tokenization", "CorpusTestSupport", "Support"
            ]
        ),
        .testTarget(
            name: "EmbeddingsTests",
            dependencies: ["Embeddings", "CorpusReader", "TokenShards", "Tokenization", "CorpusTestSupport", "Support"]
        ),
        .testTarget(name: "AsyncOperatorsTests", dependencies: ["AsyncOperators"]),
        .testTarget(name: "TokenizationTests", dependencies: ["Tokenization", "Support"], exclude: ["Resources"]),
        .testTarget(name: "NeuralCoreTests", dependencies: ["NeuralCore", "NumericTestSupport", "Support"]),
        .testTarget(
            name: "BatchingTests",
            dependencies: ["Batching", "CorpusReader", "TokenShards", "AsyncOperators", "Tokenization", "Support"]
        ),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "NeuralCore", "NumericTestSupport", "Support"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Batching", "Models", "NeuralCore", "Support"]),
        .testTarget(name: "VAEPipelineTests", dependencies: ["vae-pipeline"])
    ]
)
