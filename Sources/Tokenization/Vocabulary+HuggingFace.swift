import Foundation
import Support

/// Export to a Hugging Face `tokenizers` `tokenizer.json`, so Python code can load the same ids:
///
/// ```python
/// from tokenizers import Tokenizer
/// tokenizer = Tokenizer.from_file("tokenizer.json")
/// tokenizer.encode("the <unk> company said N shares").ids
/// ```
///
/// The file has a `WordLevel` model (vocab in id order, `unk_token` "<unk>"), the four special
/// tokens as `added_tokens`, and a normalizer and pre-tokenizer that reproduce this library's:
///
/// - `.whitespace` → `WhitespaceSplit`. Same ids: yes (both split on White_Space).
/// - `.word` → `Sequence`: `Split` on `(?y{w})\X` (Oniguruma's UAX #29 word segments),
///   `WhitespaceSplit` (drops the space segments); without punctuation also `Split` removing
///   segments with no letter or digit. Same ids: yes on the shipped corpora (checked by
///   `HuggingFaceParityTests`), except the inputs in ``huggingFaceDifferences``.
/// - `.character` → `Split` on regex `\X` (grapheme clusters), isolated. Same ids: yes, barring
///   Unicode-version differences.
/// - `.keras` → `Replace` filters → " ", then `Split` on " ", removed. Same ids: yes.
/// - `.nfc` / `.nfkc` → `NFC` / `NFKC` normalizer. Same ids: yes.
/// - lowercase, locale not tr/az/lt → `Lowercase`. Same ids: yes except final sigma (HF maps Σ→σ
///   everywhere).
/// - lowercase tr/az, with NFC or NFKC → `Replace` İ→i and I→ı, then `Lowercase`. Same ids: yes
///   (NFC has already joined I + U+0307 into İ).
///
/// Not exportable (`huggingFaceTokenizerJSON()` throws `TokenizationError.unsupportedExport`;
/// ``exportHuggingFaceTokenizerIfExpressible(to:)`` skips the file and says why): the `.sentence`
/// level, `.nfkcCasefold` (HF has no case folding), Lithuanian lowercasing, and Turkish/Azeri
/// lowercasing without NFC/NFKC (the dot above after I is contextual).
public enum HuggingFaceExport: Sendable, Equatable {
    /// tokenizer.json was written; `differences` names inputs known to get other ids (nil: none).
    case written(differences: String?)
    /// No tokenizer.json can express the configuration; any old file at the URL was removed.
    case skipped(reason: String)
}

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
        for (id, token) in SpecialToken.texts.enumerated() {
            lines.append("    {")
            lines.append("      \"id\": \(id),")
            lines.append("      \"content\": \(JSONText.quoted(token)),")
            lines.append("      \"single_word\": false,")
            lines.append("      \"lstrip\": false,")
            lines.append("      \"rstrip\": false,")
            lines.append("      \"normalized\": false,")
            lines.append("      \"special\": true")
            lines.append("    }" + (id + 1 < SpecialToken.allCases.count ? "," : ""))
        }
        lines.append("  ],")
        switch normalizers.count {
        case 0: lines.append("  \"normalizer\": null,")
        case 1: lines.append("  \"normalizer\": \(normalizers[0]),")
        default:
            lines.append(
                "  \"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [\(normalizers.joined(separator: ", "))]},"
            )
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
        lines.append("    \"unk_token\": \(JSONText.quoted(SpecialToken.unknown.text))")
        lines.append("  }")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `huggingFaceTokenizerJSON()` to `url` atomically (temporary file + rename).
    public func exportHuggingFaceTokenizer(to url: URL) throws(TokenizationError) {
        try writeAtomically(Data(huggingFaceTokenizerJSON().utf8), to: url)
    }

    /// Writes tokenizer.json when the configuration can be expressed, and otherwise removes any
    /// file left at `url` by an earlier run (it would describe another tokenizer) and says why.
    /// Throws only when writing fails.
    public func exportHuggingFaceTokenizerIfExpressible(to url: URL) throws(TokenizationError) -> HuggingFaceExport {
        let text: String
        do {
            text = try huggingFaceTokenizerJSON()
        } catch {
            if case .unsupportedExport(let reason) = error {
                try? FileManager.default.removeItem(at: url)
                return .skipped(reason: reason)
            }
            throw error
        }
        try writeAtomically(Data(text.utf8), to: url)
        return .written(differences: huggingFaceDifferences())
    }

    /// Inputs that this vocabulary's tokens show to be in the corpus and that the exported
    /// tokenizer.json splits differently, as a sentence; nil when there are none.
    public func huggingFaceDifferences() -> String? {
        var differences: [String] = []
        if configuration.level == .word {
            if tokens.contains(where: { $0.unicodeScalars.contains(where: Self.isDictionaryScalar) }) {
                differences.append(
                    "Chinese, Japanese, Thai, Lao, Khmer and Burmese text (ICU splits it into words with "
                        + "dictionaries, Hugging Face into single characters)"
                )
            }
            if tokens.contains(where: { $0.count > 1 && $0.contains("@") }) {
                differences.append(
                    "'@' next to letters or digits, as in e-mail addresses (a letter for ICU, which keeps \"a@b.com\" "
                        + "whole; a symbol for Hugging Face)"
                )
            }
        }
        if configuration.lowercaseLocale != nil, tokens.contains(where: { $0.contains("\u{3C2}") }) {
            differences.append(
                "Greek words ending in capital sigma (ICU lowercases it to final ς, Hugging Face to σ)")
        }
        guard !differences.isEmpty else { return nil }
        return "tokenizer.json gives other ids for " + differences.joined(separator: "; ") + "."
    }

    /// Scripts ICU's word iterator segments by dictionary.
    static func isDictionaryScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0E00...0x0EFF, 0x1000...0x109F, 0x1780...0x17FF, 0x19E0...0x19FF, 0x3040...0x30FF, 0x31F0...0x31FF,
            0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA9E0...0xA9FF, 0xAA60...0xAA7F, 0xF900...0xFAFF, 0xFF66...0xFF9F,
            0x20000...0x3FFFF:
            true
        default:
            false
        }
    }

    private func huggingFaceNormalizers() throws(TokenizationError) -> [String] {
        var normalizers: [String] = []
        switch configuration.normalization {
        case .none: break
        case .nfc: normalizers.append(#"{"type": "NFC"}"#)
        case .nfkc: normalizers.append(#"{"type": "NFKC"}"#)
        case .nfkcCasefold:
            throw .unsupportedExport(
                "NFKC_Casefold normalization has no Hugging Face equivalent (it has no case folding); use NFKC with "
                    + "lowercasing instead"
            )
        }
        if let locale = configuration.lowercaseLocale {
            let language = ICUSystemCalls.localeLanguage(locale)
            if language == "lt" {
                throw .unsupportedExport(
                    "Lithuanian lowercasing (locale \"\(locale)\") keeps dots above i in context, which the Hugging "
                        + "Face Lowercase normalizer cannot"
                )
            }
            if language == "tr" || language == "az" {
                // After NFC/NFKC, I + U+0307 is already İ: the two replacements are then exact.
                guard configuration.normalization == .nfc || configuration.normalization == .nfkc else {
                    throw .unsupportedExport(
                        "lowercasing with the locale \"\(locale)\" drops a dot above after I in context, which "
                            + "Hugging Face can express only after NFC or NFKC normalization (use --normalization nfc)"
                    )
                }
                normalizers.append(#"{"type": "Replace", "pattern": {"String": "\u0130"}, "content": "i"}"#)
                normalizers.append(#"{"type": "Replace", "pattern": {"String": "I"}, "content": "\u0131"}"#)
            }
            normalizers.append(#"{"type": "Lowercase"}"#)
        }
        if configuration.level == .keras, !configuration.kerasFilters.isEmpty {
            normalizers.append(
                "{\"type\": \"Replace\", \"pattern\": {\"Regex\": "
                    + "\(JSONText.quoted(Self.regexCharacterClass(configuration.kerasFilters)))}, \"content\": \" \"}"
            )
        }
        return normalizers
    }

    private func huggingFacePreTokenizer() throws(TokenizationError) -> String {
        switch configuration.level {
        case .whitespace:
            return #"{"type": "WhitespaceSplit"}"#
        case .word:
            // Oniguruma's word mode makes \X one UAX #29 word segment, as ICU's rules do (ICU's
            // tailoring and dictionaries aside, see huggingFaceDifferences); WhitespaceSplit then
            // drops the space segments and the spaces before a lone combining mark, like ICU's
            // caller. Without punctuation, segments without a letter or digit go too (ICU's "none"
            // status: punctuation, symbols, emoji, a lone "_"; ICU counts "__" as a word).
            var steps = [
                #"{"type": "Split", "pattern": {"Regex": "(?y{w})\\X"}, "behavior": "Isolated", "invert": false}"#,
                #"{"type": "WhitespaceSplit"}"#
            ]
            if !configuration.keepsPunctuation {
                steps.append(
                    #"{"type": "Split", "pattern": {"Regex": "\\A(?!\\p{Pc}\\p{Pc})[^\\p{Alphabetic}\\p{Nd}@]+\\z"}, "#
                        + #""behavior": "Removed", "invert": false}"#
                )
            }
            return "{\"type\": \"Sequence\", \"pretokenizers\": [" + steps.joined(separator: ", ") + "]}"
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
            if scalar.isASCII, !scalar.properties.isAlphabetic, !("0"..."9").contains(scalar), scalar.value > 0x20,
                scalar.value < 0x7F
            {
                pattern += "\\"
            }
            pattern.unicodeScalars.append(scalar)
        }
        return pattern + "]"
    }
}
