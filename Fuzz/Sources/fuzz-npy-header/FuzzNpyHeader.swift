import Foundation
import FuzzDriver
import TokenShards

// The input is a shard file, mapped as each element type the shards use; an array that opens
// is read whole, as the batch reader does.
let file: URL = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let url = URL(fileURLWithPath: base).appendingPathComponent("vae-fuzz-\(getpid()).npy")
    atexit { try? FileManager.default.removeItem(at: file) }
    return url
}()

func read<Element: NpyElement & Equatable>(_: Element.Type) {
    do {
        let array = try NpyArray<Element>(path: file.path)
        var sum = 0
        array.withUnsafeBufferPointer { values in
            for value in values where value == value { sum += 1 }
        }
        if !array.isEmpty { _ = array[0]; _ = array[array.count - 1] }
        array.releasePages(before: array.count)
        _ = sum
    } catch {
        _ = error.localizedDescription
    }
}

func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    try! Data(bytes: data, count: size).write(to: file)
    read(Int32.self)
    read(Int64.self)
    read(Float.self)
    return 0
}

runFuzzer(fuzz)
