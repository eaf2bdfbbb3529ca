import Foundation
import NeuralCore

// The input is a checkpoint file, read as resuming and the after-training commands read one.
let file: URL = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let url = URL(fileURLWithPath: base).appendingPathComponent("vae-fuzz-\(getpid()).safetensors")
    atexit { try? FileManager.default.removeItem(at: file) }
    return url
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    try! Data(bytes: data, count: size).write(to: file)
    do {
        let contents = try SafeTensors.contents(of: file)
        for (_, tensor) in contents.tensors { _ = tensor.shape; _ = tensor.count }
    } catch {
        _ = "\(error)"
    }
    return 0
}

// SwiftPM links its own `main` into an executable, which would shadow libFuzzer's; so the
// target starts libFuzzer's driver itself.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

var argumentCount = CommandLine.argc
var argumentValues = CommandLine.unsafeArgv
exit(runFuzzerDriver(&argumentCount, &argumentValues) { data, size in
    var empty: UInt8 = 0
    return size == 0 ? fuzz(&empty, 0) : fuzz(data!, size)
})
