import Corpus
import Foundation

/// A one-line progress display on standard error — bytes, rate, records and ETA — shown only
/// when standard error is a terminal, and at most a few times a second.
struct ProgressLine {
    private let enabled: Bool
    private let start = ContinuousClock.now
    private var lastDraw = ContinuousClock.now
    private var drewSomething = false

    init(enabled: Bool = isatty(2) != 0) {
        self.enabled = enabled
    }

    mutating func update(_ progress: ReadProgress, records: Int) {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard now - lastDraw > .milliseconds(250) else { return }
        lastDraw = now
        let seconds = max(0.001, (now - start).seconds)
        let rate = Double(progress.compressedBytes) / seconds
        var text = "read \(Format.bytes(progress.compressedBytes))"
        if let total = progress.totalInputBytes, let fraction = progress.fraction {
            text += " of \(Format.bytes(total)) (\(Int(fraction * 100))%)"
            if rate > 0 {
                let remaining = Double(total - progress.compressedBytes) / rate
                text += " · ETA \(Format.duration(remaining))"
            }
        }
        text += " · \(Format.bytes(Int64(rate)))/s · \(Format.count(records)) records"
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        drewSomething = true
    }

    /// Clears the line so that what follows starts on a clean line.
    func finish() {
        guard enabled && drewSomething else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
