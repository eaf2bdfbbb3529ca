import CorpusTestSupport
import Foundation
import Testing

@testable import TokenShards

@Suite struct NpyFileTests {
    @Test func roundTripsAndLeavesNoFileUntilFinished() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ids.npy")
        let writer = try NpyWriter<Int32>(path: path)
        let values = (0..<300_000).map { Int32(truncatingIfNeeded: $0 &* 2_654_435_761) }
        try writer.append(contentsOf: Array(values[..<1000]))
        for value in values[1000...] { try writer.append(value) }
        #expect(!FileManager.default.fileExists(atPath: path), "the final name appears only after finish()")
        try writer.finish()
        let array = try NpyArray<Int32>(path: path)
        #expect(array.count == values.count)
        #expect(Array(array) == values)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    @Test func anAbandonedWriterLeavesNothing() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("offsets.npy")
        do {
            let writer = try NpyWriter<Int64>(path: path)
            try writer.append(contentsOf: [1, 2, 3])
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    @Test func rejectsWrongTypesAndNonNpyFiles() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("f.npy")
        let writer = try NpyWriter<Float>(path: path)
        try writer.append(contentsOf: [1.5, -2])
        try writer.finish()
        #expect(throws: NpyError.wrongType(path: path, expected: "<i4", found: "<f4")) {
            try NpyArray<Int32>(path: path)
        }
        #expect(Array(try NpyArray<Float>(path: path)) == [1.5, -2])
        let text = try directory.write("t.npy", "just text, not numpy")
        #expect(throws: NpyError.self) { try NpyArray<Int32>(path: text) }
    }

    @Test func numpyReadsTheFiles() throws {
        guard (try? runTool(["python3", "-c", "import numpy"])) != nil else {
            // numpy is part of this project's machines; without it the format check cannot run.
            withKnownIssue("python3 with numpy is not available here") { throw ToolFailure(description: "no numpy") }
            return
        }
        let directory = try TemporaryDirectory()
        let ids = try NpyWriter<Int32>(path: directory.path("ids.npy"))
        try ids.append(contentsOf: [7, -1, 2_000_000_000])
        try ids.finish()
        let offsets = try NpyWriter<Int64>(path: directory.path("offsets.npy"))
        try offsets.append(contentsOf: [0, 1, 3])
        try offsets.finish()
        let output = try runTool(
            [
                "python3", "-c",
                """
                import numpy as np
                a = np.load('ids.npy', mmap_mode='r'); b = np.load('offsets.npy')
                print(a.dtype, a.shape, a.tolist(), b.dtype, b.tolist())
                """
            ], in: directory.url)
        #expect(
            output.trimmingCharacters(in: .whitespacesAndNewlines) == "int32 (3,) [7, -1, 2000000000] int64 [0, 1, 3]")
    }
}
