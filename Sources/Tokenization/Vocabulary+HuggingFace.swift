import Foundation

/// Export to a Hugging Face `tokenizers` `tokenizer.json`, so Python code can load the same ids:
///
/// ```python
/// from tokenizers import Tokenizer
/// tokenizer = Tokenizer.from_file("tokenizer.json")
/// tokenizer.encode("the <unk> company said N shares").ids
/// ```
///
/// The file has a `WordLevel` model (vocab in id order, `unk_token` "<unk>"), the four special
/// tokens as `added_tokens`, and the closest normalizer and pre-tokenizer:
///
/// | This library                         | tokenizer.json                                        | Same ids?                     |
/// |--------------------------------------|-------------------------------------------------------|-------------------------------|
/// | `.whitespace`                        | `WhitespaceSplit`                                     | yes (both split on White_Space) |
/// | `.word`, punctuation kept            | `Whitespace` (`\w+|[^\w\s]+`)                         | for simple English; not for contractions ("don't"), numbers with separators ("1,000.50"), "U.S.", runs of punctuation ("..."), or CJK/Thai |
/// | `.character`                         | `Split` on regex `\X` (grapheme clusters), isolated   | yes, barring Unicode-version differences |
/// | `.keras`                             | `Replace` filters → " ", then `Split` on " ", removed | yes                           |
/// | `.nfc` / `.nfkc`                     | `NFC` / `NFKC` normalizer                             | yes                           |
/// | lowercase, locale not tr/az/lt       | `Lowercase`                                           | yes except final sigma (HF maps Σ→σ everywhere) |
///
/// Not exportable (throws `TokenizationError.unsupportedExport`): the `.sentence` level, word
/// level without punctuation (HF would emit punctuation as `<unk>` instead of dropping it),
/// `.nfkcCasefold` (HF has no case folding), and Turkish/Azeri/Lithuanian lowercasing (HF's
/// `Lowercase` is locale-independent).
extension Vocabulary {
    /// The `tokenizer.json` text (pretty-printed, deterministic; vocab in id order).
    public func huggingFaceTokenizerJSON() throws(TokenizationError) -> String {
        let normalizers = try huggingFaceNormalizers()
        let preTokenizer = try huggingFacePreTokenizer()
        var lines: [String] = []
        lines.append("{")
        lines.append("  \"version\": \"1.0\",")
        lines.append("  \"truncation\": null,")
        lines.append("  \"padding\": null,")
        lines.append("  \"added_tokens\": [")
        for (id, token) in Self.specialTokens.enumerated() {
            lines.append("    {")
            lines.append("      \"id\": \(id),")
            lines.append("      \"content\": \(JSONText.quoted(token)),")
            lines.append("      \"single_word\": false,")
            lines.append("      \"lstrip\": false,")
            lines.append("      \"rstrip\": false,")
            lines.append("      \"normalized\": false,")
            lines.append("      \"special\": true")
            lines.append("    }" + (id + 1 < Self.specialTokens.count ? "," : ""))
        }
        lines.append("  ],")
        switch normalizers.count {
        case 0: lines.append("  \"normalizer\": null,")
        case 1: lines.append("  \"normalizer\": \(normalizers[0]),")
        default: lines.append("  \"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [\(normalizers.joined(separator: ", "))]},")
        }
        lines.append("  \"pre_tokenizer\": \(preTokenizer),")
        lines.append("  \"post_processor\": null,")
        lines.append("  \"decoder\": null,")
        lines.append("  \"model\": {")
        lines.append("    \"type\": \"WordLevel\",")
        lines.append("    \"vocab\": {")
        for (id, token) in tokens.enumerated() {
            lines.append("      \(JSONText.quoted(token)): \(id)" + (id + 1 < tokens.count ? "," : ""))
        }
        lines.append("    },")
        lines.append("    \"unk_token\": \(JSONText.quoted(Self.specialTokens[Int(Self.unknownID)]))")
        lines.append("  }")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `huggingFaceTokenizerJSON()` to `url` atomically (temporary file + rename).
    public func exportHuggingFaceTokenizer(to url: URL) throws(TokenizationError) {
        try writeAtomically(Data(huggingFaceTokenizerJSON().utf8), to: url)
    }

    private func huggingFaceNormalizers() throws(TokenizationError) -> [String] {
        var normalizers: [String] = []
        switch configuration.normalization {
        case .none: break
        case .nfc: normalizers.append(#"{"type": "NFC"}"#)
        case .nfkc: normalizers.append(#"{"type": "NFKC"}"#)
        case .nfkcCasefold:
            throw .unsupportedExport("NFKC_Casefold normalization has no Hugging Face equivalent (it has no case folding); use NFKC with lowercasing instead")
        }
        if let locale = configuration.lowercaseLocale {
            let language = ICUSystemCalls.localeLanguage(locale)
            if ["tr", "az", "lt"].contains(language) {
                throw .unsupportedExport("lowercasing with the locale \"\(locale)\" is language-specific, but the Hugging Face Lowercase normalizer is not")
            }
            normalizers.append(#"{"type": "Lowercase"}"#)
        }
        if configuration.level == .keras, !configuration.kerasFilters.isEmpty {
            normalizers.append("{\"type\": \"Replace\", \"pattern\": {\"Regex\": \(JSONText.quoted(Self.regexCharacterClass(configuration.kerasFilters)))}, \"content\": \" \"}")
        }
        return normalizers
    }

    private func huggingFacePreTokenizer() throws(TokenizationError) -> String {
        switch configuration.level {
        case .whitespace:
            return #"{"type": "WhitespaceSplit"}"#
        case .word:
            guard configuration.keepsPunctuation else {
                throw .unsupportedExport("the word level drops punctuation here, while Hugging Face pre-tokenizers would keep it and map it to <unk>")
            }
            return #"{"type": "Whitespace"}"#
        case .character:
            return #"{"type": "Split", "pattern": {"Regex": "\\X"}, "behavior": "Isolated", "invert": false}"#
        case .keras:
            return #"{"type": "Split", "pattern": {"String": " "}, "behavior": "Removed", "invert": false}"#
        case .sentence:
            throw .unsupportedExport("Hugging Face tokenizers have no sentence-level pre-tokenizer")
        }
    }

    /// A regex character class matching exactly the characters of `filters` (Oniguruma syntax):
    /// ASCII punctuation is backslash-escaped, everything else literal.
    static func regexCharacterClass(_ filters: String) -> String {
        var pattern = "["
        for scalar in filters.unicodeScalars {
            if scalar.isASCII, !scalar.properties.isAlphabetic, !("0"..."9").contains(scalar), scalar.value > 0x20, scalar.value < 0x7F {
                pattern += "\\"
            }
            pattern.unicodeScalars.append(scalar)
        }
        return pattern + "]"
    }
}
