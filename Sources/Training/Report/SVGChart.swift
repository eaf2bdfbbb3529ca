import Foundation

/// Small self-contained SVG charts (no scripts, no external files), so a report opens anywhere.
enum SVGChart {
    struct Series {
        var name: String
        var color: String
        var points: [(x: Double, y: Double)]
        var dashed = false
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

    /// A line chart of one or more series sharing the axes.
    static func lines(title: String, xLabel: String, series: [Series], width: Double = 560, height: Double = 300)
        -> String
    {
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        guard !all.isEmpty else { return emptyChart(title: title, width: width, height: height) }
        let frame = Frame(
            width: width, height: height,
            xRange: range(all.map(\.x)), yRange: range(all.map(\.y), padFraction: 0.05))
        var svg = frame.open(title: title, xLabel: xLabel)
        for item in series where !item.points.isEmpty {
            let path = item.points.filter { $0.x.isFinite && $0.y.isFinite }
                .map { String(format: "%.1f,%.1f", frame.px($0.x), frame.py($0.y)) }.joined(separator: " ")
            let dash = item.dashed ? " stroke-dasharray=\"5,4\"" : ""
            svg += "<polyline fill=\"none\" stroke=\"\(item.color)\" stroke-width=\"1.6\"\(dash) points=\"\(path)\"/>\n"
            if item.points.count == 1, let p = item.points.first {
                svg += String(
                    format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\"/>\n", frame.px(p.x), frame.py(p.y),
                    item.color)
            }
        }
        svg += legend(series.map { ($0.name, $0.color) }, x: frame.left + 8, y: frame.top + 14)
        return svg + "</svg>\n"
    }

    /// A scatter plot with an optional label per point (shown on hover).
    static func scatter(
        title: String, xLabel: String, yLabel: String, points: [[Double]], labels: [String],
        width: Double = 560, height: Double = 420
    ) -> String {
        let valid = points.filter { $0.count >= 2 && $0[0].isFinite && $0[1].isFinite }
        guard !valid.isEmpty else { return emptyChart(title: title, width: width, height: height) }
        let frame = Frame(
            width: width, height: height, xRange: range(valid.map { $0[0] }, padFraction: 0.05),
            yRange: range(valid.map { $0[1] }, padFraction: 0.05))
        var svg = frame.open(title: title, xLabel: xLabel, yLabel: yLabel)
        for (index, point) in points.enumerated() where point.count >= 2 && point[0].isFinite && point[1].isFinite {
            let label = index < labels.count ? escape(labels[index]) : ""
            svg += String(
                format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\" fill=\"#1f77b4\" fill-opacity=\"0.55\">",
                frame.px(point[0]), frame.py(point[1]))
            svg += "<title>\(label)</title></circle>\n"
        }
        return svg + "</svg>\n"
    }

    private static func emptyChart(title: String, width: Double, height: Double) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"60\"><text x=\"10\" y=\"20\" "
            + "font-size=\"14\" font-family=\"sans-serif\">\(escape(title)): no data yet</text></svg>\n"
    }

    private static func legend(_ items: [(String, String)], x: Double, y: Double) -> String {
        var svg = ""
        for (index, item) in items.enumerated() {
            let rowY = y + Double(index) * 16
            svg += String(
                format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"3\" fill=\"%@\"/>", x, rowY - 4, item.1)
            svg += String(
                format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" font-family=\"sans-serif\">%@</text>\n", x + 16,
                rowY, escape(item.0))
        }
        return svg
    }

    static func range(_ values: [Double], padFraction: Double = 0) -> ClosedRange<Double> {
        guard var low = values.min(), var high = values.max() else { return 0...1 }
        if high - low < 1e-12 { low -= 0.5; high += 0.5 }
        let pad = (high - low) * padFraction
        return (low - pad)...(high + pad)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Plot area and axes with tick labels.
    struct Frame {
        var width: Double
        var height: Double
        var xRange: ClosedRange<Double>
        var yRange: ClosedRange<Double>
        let left = 58.0, right = 12.0, top = 28.0, bottom = 40.0

        func px(_ x: Double) -> Double {
            left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * (width - left - right)
        }
        func py(_ y: Double) -> Double {
            height - bottom - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
                * (height - top - bottom)
        }

        func open(title: String, xLabel: String, yLabel: String = "") -> String {
            var svg =
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
                    + "font-family=\"sans-serif\">\n"
            svg +=
                "<text x=\"\(Int(left))\" y=\"18\" font-size=\"14\" "
                    + "font-weight=\"bold\">\(SVGChart.escape(title))</text>\n"
            svg += String(
                format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#999\"/>\n",
                left, top, width - left - right, height - top - bottom)
            for tick in 0...4 {
                let fraction = Double(tick) / 4
                let xValue = xRange.lowerBound + fraction * (xRange.upperBound - xRange.lowerBound)
                let yValue = yRange.lowerBound + fraction * (yRange.upperBound - yRange.lowerBound)
                svg += String(
                    format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%@</text>\n",
                    px(xValue), height - bottom + 14, Self.label(xValue))
                svg += String(
                    format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%@</text>\n",
                    left - 4, py(yValue) + 3, Self.label(yValue))
                svg += String(
                    format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n",
                    left, width - right, py(yValue), py(yValue))
            }
            svg += String(
                format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%@</text>\n",
                (left + width - right) / 2, height - 6, SVGChart.escape(xLabel))
            if !yLabel.isEmpty {
                svg += String(
                    format:
                        "<text x=\"12\" y=\"%.1f\" font-size=\"11\" transform=\"rotate(-90 12 %.1f)\" "
                            + "text-anchor=\"middle\">%@</text>\n",
                    (top + height - bottom) / 2, (top + height - bottom) / 2, SVGChart.escape(yLabel))
            }
            return svg
        }

        static func label(_ value: Double) -> String {
            let magnitude = abs(value)
            if magnitude >= 10_000 { return String(format: "%.0fk", value / 1000) }
            if magnitude >= 100 || value == value.rounded() { return String(format: "%.0f", value) }
            if magnitude >= 1 { return String(format: "%.1f", value) }
            return String(format: "%.2f", value)
        }
    }
}
