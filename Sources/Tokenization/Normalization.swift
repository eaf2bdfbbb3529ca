/// Unicode normalization applied to each record before it is split (ICU Normalizer2).
public enum Normalization: String, Sendable, Hashable, CaseIterable, Codable {
    /// Text is split as it arrives.
    case none
    /// Canonical composition: "e\u{301}" becomes "é"; visually identical text gets identical tokens.
    case nfc
    /// Compatibility composition: also folds ligatures, full-width forms, superscripts ("ﬁ" → "fi").
    case nfkc
    /// NFKC plus case folding and removal of default-ignorable characters (ICU "nfkc_cf");
    /// locale-independent, so it folds "ß" to "ss" and never applies Turkish rules.
    case nfkcCasefold = "nfkc_casefold"
}
