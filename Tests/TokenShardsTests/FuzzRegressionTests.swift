import CorpusTestSupport
import Foundation
import Testing

@testable import TokenShards

/// Inputs found by the fuzz targets of Fuzz/ (minimized), each once a crash: every one must
/// give a typed error or skipped records instead.
@Suite struct FuzzRegressionTests {
    /// A version-1 .npy file with `header` (padded as numpy pads it) and `values` after it.
    private func npy(_ header: String, values: [UInt8] = []) -> Data {
        var text = header
        while (10 + text.utf8.count + 1) % 64 != 0 { text += " " }
        text += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        data.append(contentsOf: [UInt8(text.utf8.count & 0xFF), UInt8(text.utf8.count >> 8)])
        data.append(contentsOf: Array(text.utf8) + values)
        return data
    }

    // fuzz-npy-header: `'shape': -1,` passed the size check and made a buffer of count -1.
    @Test func npyHeaderWithNegativeCountIsRejected() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("negative.npy", npy("{'descr': '<i4', 'fortran_order': False, 'shape': -1,), }"))
        #expect(throws: NpyError.self) { try NpyArray<Int32>(path: path) }
    }

    // The same check, where count × element size overflows.
    @Test func npyHeaderWithOverflowingCountIsRejected() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "huge.npy", npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2305843009213693952,), }"))
        #expect(throws: NpyError.self) { try NpyArray<Int64>(path: path) }
    }
}
