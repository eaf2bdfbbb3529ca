import Foundation
import Testing

@testable import Training

@Suite struct ReportTests {
    @Test func principalComponentsFindTheDominantAxis() {
        // Points along (1, 1, 0) with small noise on the third axis.
        var points: [[Float]] = []
        for i in 0..<50 {
            let t = Float(i - 25)
            points.append([t, t, Float(i % 3) * 0.01])
        }
        let (projected, explained) = PrincipalComponents.project(points)
        #expect(explained[0] > 0.99)
        // The first coordinate is the distance from the mean (t = −0.5) along the line: 24.5·√2.
        #expect(abs(abs(projected[0][0]) - 24.5 * 2.0.squareRoot()) < 1e-3)
        #expect(projected.count == 50)
    }

    @Test func reportIncludesCurvesSamplesAndEscapesText() throws {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: run) }
        let log = try MetricsLog(runDirectory: run)
        for step in stride(from: 10, through: 100, by: 10) {
            try log.append(
                MetricsRecord(
                    kind: .train, step: step, epoch: 0, seconds: Double(step), loss: 50 - Double(step) / 10,
                    reconstruction: 45, kl: 5, beta: Double(step) / 100))
        }
        try log.append(
            MetricsRecord(
                kind: .validation, step: 100, epoch: 0, seconds: 100, loss: 40, reconstruction: 38, kl: 2,
                perplexity: 120, activeUnits: 3))
        let summary = RunSummary(
            name: "demo", step: 100, epoch: 0, seconds: 100, tokensPerSecond: 5000, stoppedBecause: "max steps",
            settings: ["latent": "16"], validation: nil, samples: ["a <b> & c"],
            reconstructions: [.init(input: "x", output: "y")], interpolation: ["p", "q"],
            latentPoints: [[0, 1], [1, 0]], latentPointLabels: ["s1", "s2"], explainedVariance: [0.6, 0.3])
        try JSONEncoder().encode(summary).write(to: run.appendingPathComponent(RunSummary.fileName))
        let url = try ReportWriter.write(runDirectory: run)
        let html = try String(contentsOf: url, encoding: .utf8)
        #expect(html.contains("<polyline"))
        #expect(html.contains("a &lt;b&gt; &amp; c"))
        #expect(html.contains("Validation latent means (PCA)"))
        #expect(html.contains("<circle"))
    }

    @Test func reportOfAnEmptyDirectoryIsAnError() {
        #expect(throws: TrainingError.self) {
            try ReportWriter.write(
                runDirectory: FileManager.default.temporaryDirectory.appendingPathComponent(
                    "nothing-\(UUID().uuidString)"))
        }
    }
}
