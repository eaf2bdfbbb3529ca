import CorpusReader
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
        update(bytes: progress.compressedBytes, of: progress.totalInputBytes, count: records, noun: "records")
    }

    /// `bytes` of the input files read out of `total`, and how many `noun`s so far.
    mutating func update(bytes: Int64, of total: Int64?, count: Int? = nil, noun: String = "") {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard now - lastDraw > .milliseconds(250) else { return }
        lastDraw = now
        let seconds = max(0.001, (now - start).seconds)
        let rate = Double(bytes) / seconds
        var text = "read \(Format.bytes(bytes))"
        if let total, total > 0 {
            text += " of \(Format.bytes(total)) (\(Int(min(1, Double(bytes) / Double(total)) * 100))%)"
            if rate > 0 { text += " · ETA \(Format.duration(Double(max(0, total - bytes)) / rate))" }
        }
        text += " · \(Format.bytes(Int64(rate)))/s"
        if let count { text += " · \(Format.count(count)) \(noun)" }
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
