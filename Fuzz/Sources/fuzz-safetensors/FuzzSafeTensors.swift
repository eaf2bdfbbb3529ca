import Foundation
import FuzzDriver
import NeuralCore

// The input is a checkpoint file, read as resuming and the after-training commands read one.
let file: URL = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let url = URL(fileURLWithPath: base).appendingPathComponent("vae-fuzz-\(getpid()).safetensors")
    atexit { try? FileManager.default.removeItem(at: file) }
    return url
}()

func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    try! Data(bytes: data, count: size).write(to: file)
    do {
        let contents = try SafeTensors.contents(of: file)
        for (_, tensor) in contents.tensors { _ = tensor.shape; _ = tensor.count }
    } catch {
        _ = "\(error)"
    }
    return 0
}

runFuzzer(fuzz)
