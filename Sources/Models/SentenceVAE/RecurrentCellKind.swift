/// The recurrent cell of an encoder or decoder.
public enum RecurrentCellKind: String, Codable, Sendable, CaseIterable {
    case lstm, gru
}
