import Foundation
import Support
import TokenShards

/// Writes `RUN/report.html`: one self-contained page (inline SVG, no scripts) with the training
/// curves, validation figures, a PCA picture of validation latent means, and generated text.
public enum ReportWriter {
    public static let fileName = "report.html"

    /// Builds the report from the run directory's `metrics.jsonl` and `summary.json` (either may be
    /// missing mid-run) and writes it atomically. Returns its URL.
    @discardableResult
    public static func write(runDirectory: URL) throws -> URL {
        let metricsURL = runDirectory.appendingPathComponent(MetricsLog.fileName)
        let records = FileManager.default.fileExists(atPath: metricsURL.path) ? try MetricsLog.read(metricsURL) : []
        let summaryURL = runDirectory.appendingPathComponent(RunSummary.fileName)
        let summary = try? JSONDecoder().decode(RunSummary.self, from: Data(contentsOf: summaryURL))
        if records.isEmpty && summary == nil {
            throw TrainingError.notARun(runDirectory.path)
        }
        let html = render(records: records, summary: summary, title: summary?.name ?? runDirectory.lastPathComponent)
        let url = runDirectory.appendingPathComponent(fileName)
        try AtomicFile.write(Data(html.utf8), to: url)
        return url
    }

    static func render(records: [MetricsRecord], summary: RunSummary?, title: String) -> String {
        let train = records.filter { $0.kind == .train }
        let validation = records.filter { $0.kind == .validation }
        func series(
            _ name: String, _ color: String, _ rows: [MetricsRecord], _ value: (MetricsRecord) -> Double?,
            dashed: Bool = false
        ) -> SVGChart.Series {
            SVGChart.Series(
                name: name, color: color, points: rows.compactMap { row in value(row).map { (Double(row.step), $0) } },
                dashed: dashed)
        }
        let palette = SVGChart.palette
        var body = "<h1>\(SVGChart.escape(title))</h1>\n"
        if let summary {
            body +=
                "<p>Step \(summary.step), epoch \(summary.epoch + 1), \(String(format: "%.1f", summary.seconds / 60)) "
                    + "min"
            if let rate = summary.tokensPerSecond { body += String(format: ", %.0f tokens/s", rate) }
            body += ". Stopped: \(SVGChart.escape(summary.stoppedBecause)).</p>\n"
            if let v = summary.validation {
                body +=
                    "<table><tr><th>validation</th><th>sentences</th><th>−ELBO</th><th>reconstruction</th>"
                    + "<th>KL</th><th>perplexity (ELBO)</th><th>active units</th><th>MI</th></tr>"
                body += String(
                    format:
                        "<tr><td></td><td>%d</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.1f</td><td>%d / "
                            + "%d</td><td>%@</td></tr></table>\n",
                    v.sentences, v.loss, v.reconstruction, v.kl, v.perplexity, v.activeUnits, v.latent,
                    v.mutualInformation.map { String(format: "%.2f", $0) } ?? "–")
            }
            if let f1 = summary.reconstructionF1 {
                body += String(
                    format:
                        "<p>Reconstruction: <b>token F1 %.3f</b> between %d validation sequences and their greedy "
                            + "reconstructions from the posterior mean.</p>\n",
                    f1, ReconstructionScore.sentences)
            }
            if let bits = summary.bitsPerCharacter {
                body += String(
                    format: "<p>Model: %@. Validation: <b>%.3f bits per character</b>.</p>\n",
                    SVGChart.escape(summary.model ?? ""), bits)
            }
            if let words = summary.words {
                body += String(
                    format:
                        "<p>Of %d words sampled from the prior, <b>%.1f%% are new</b> (not in the word list), %.1f%% "
                            + "are known words, %.1f%% empty; mean length %.1f letters against the list's %.1f.</p>\n",
                    words.samples, words.novelShare * 100, words.knownShare * 100, words.emptyShare * 100,
                    words.meanSampleLength, words.meanWordLength)
                body += "<p>Invented words: " + SVGChart.escape(words.novelExamples.joined(separator: ", ")) + "</p>\n"
            }
        }
        body += "<div class=\"charts\">\n"
        body += SVGChart.lines(
            title: "Loss per sentence (−ELBO with β)", xLabel: "step",
            series: [
                series("train loss", palette[0], train, { $0.loss }),
                series("train reconstruction", palette[2], train, { $0.reconstruction }),
                series("validation −ELBO", palette[1], validation, { $0.loss }, dashed: true)
            ])
        body += SVGChart.lines(
            title: "KL per sentence and β", xLabel: "step",
            series: [
                series("train KL", palette[3], train, { $0.kl }),
                series("validation KL", palette[1], validation, { $0.kl }, dashed: true),
                series("β × 10", palette[4], train, { $0.beta.map { $0 * 10 } })
            ])
        body += SVGChart.lines(
            title: "Validation perplexity (upper bound, exp −ELBO per token)", xLabel: "step",
            series: [
                series("perplexity", palette[1], validation, { $0.perplexity })
            ])
        body += SVGChart.lines(
            title: "Active latent units", xLabel: "step",
            series: [
                series("active units", palette[2], validation, { $0.activeUnits.map(Double.init) })
            ])
        if let summary, !summary.latentPoints.isEmpty {
            let explained = summary.explainedVariance.map { String(format: "%.0f%%", $0 * 100) }
            body += SVGChart.scatter(
                title: "Validation latent means (PCA)",
                xLabel: "PC1" + (explained.count > 0 ? " (\(explained[0]))" : ""),
                yLabel: "PC2" + (explained.count > 1 ? " (\(explained[1]))" : ""),
                points: summary.latentPoints, labels: summary.latentPointLabels)
        }
        body += "</div>\n"
        if let summary {
            if !summary.samples.isEmpty {
                body +=
                    "<h2>Samples from the prior</h2><ol>"
                    + summary.samples.map { "<li>\(SVGChart.escape($0))</li>" }.joined() + "</ol>\n"
            }
            if !summary.reconstructions.isEmpty {
                body += "<h2>Reconstructions (validation)</h2><table><tr><th>input</th><th>reconstruction</th></tr>"
                body += summary.reconstructions.map {
                    "<tr><td>\(SVGChart.escape($0.input))</td><td>\(SVGChart.escape($0.output))</td></tr>"
                }.joined()
                body += "</table>\n"
            }
            if !summary.interpolation.isEmpty {
                body +=
                    "<h2>Interpolation between two validation sentences</h2><ol>"
                    + summary.interpolation.map { "<li>\(SVGChart.escape($0))</li>" }.joined() + "</ol>\n"
            }
            if !summary.settings.isEmpty {
                body +=
                    "<h2>Settings</h2><table>"
                    + summary.settings.sorted { $0.key < $1.key }
                    .map { "<tr><td>\(SVGChart.escape($0.key))</td><td>\(SVGChart.escape($0.value))</td></tr>" }
                    .joined() + "</table>\n"
            }
        }
        return """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>\(SVGChart.escape(title)) — vae-pipeline</title>
            <style>body{font-family:sans-serif;max-width:1200px;margin:1em auto;padding:0 1em}
            .charts{display:flex;flex-wrap:wrap;gap:12px} table{border-collapse:collapse;margin:.5em 0}
            td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:13px}</style></head>
            <body>
            \(body)
            </body></html>

            """
    }
}
