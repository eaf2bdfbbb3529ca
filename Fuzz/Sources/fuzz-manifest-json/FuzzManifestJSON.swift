import Batching
import Foundation
import FuzzDriver
import TokenShards

// A shard directory whose manifest.json is the input, next to one valid shard (5 ids in 2
// sequences) that a manifest may name; the directory is opened and read as `train` reads it.
let directory: URL = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let url = URL(fileURLWithPath: base).appendingPathComponent("vae-fuzz-manifest-\(getpid())")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    let ids = try! NpyWriter<Int32>(path: url.appendingPathComponent("shard-00000.ids.npy").path, synchronizes: false)
    try! ids.append(contentsOf: [4, 5, 6, 4, 7])
    try! ids.finish()
    let offsets = try! NpyWriter<Int64>(
        path: url.appendingPathComponent("shard-00000.offsets.npy").path, synchronizes: false)
    try! offsets.append(contentsOf: [0, 2, 5])
    try! offsets.finish()
    atexit { try? FileManager.default.removeItem(at: directory) }
    return url
}()

func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let manifest = directory.appendingPathComponent(ShardManifest.fileName)
    try! Data(bytes: data, count: size).write(to: manifest)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do {
            let stream = try BatchStream(source: .shards(directory: directory), options: BatchingOptions(batchSize: 2))
            _ = stream.manifest.map { "\($0.counts) \($0.reader) \($0.tokenizer)" }
            var batches = stream.batches(epoch: 0, split: .all).makeAsyncIterator()
            var count = 0
            while count < 16, let batch = try await batches.next() {
                _ = batch.ids.count
                count += 1
            }
        } catch {
            _ = "\(error)"
        }
        done.signal()
    }
    done.wait()
    return 0
}

runFuzzer(fuzz)
