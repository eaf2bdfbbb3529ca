import Foundation

// SwiftPM links a `main` of its own into every executable, which shadows libFuzzer's, so each
// target starts libFuzzer's driver itself through `runFuzzer`.

/// The target's function, set once by `runFuzzer` before libFuzzer starts (single-threaded).
nonisolated(unsafe) private var fuzzTarget: (UnsafePointer<UInt8>, Int) -> CInt = { _, _ in 0 }

/// libFuzzer's entry point, defined once here for every target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var empty: UInt8 = 0
    return size == 0 || data == nil ? fuzzTarget(&empty, 0) : fuzzTarget(data!, size)
}

@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer on `target` with the process's arguments and exits with its status.
public func runFuzzer(_ target: @escaping (UnsafePointer<UInt8>, Int) -> CInt) -> Never {
    fuzzTarget = target
    var argumentCount = CommandLine.argc
    var argumentValues = CommandLine.unsafeArgv
    exit(runFuzzerDriver(&argumentCount, &argumentValues) { data, size in fuzzerTestOneInput(data, size) })
}
