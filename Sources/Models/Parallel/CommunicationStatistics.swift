/// What the collective operations of data-parallel training have cost so far (see
/// ``BatchTrainer/communication``).
public struct CommunicationStatistics: Sendable, Equatable {
    /// Steps that communicated.
    public var steps = 0
    /// Wall seconds inside collective calls, waiting for slower processes included.
    public var seconds = 0.0
    /// The part of `seconds` spent waiting for the other processes to arrive (when the group
    /// measures it); the rest moved data.
    public var waitingSeconds = 0.0
    /// Bytes each process contributed to the collective operations: its whole buffer to an
    /// allreduce or a reduce-scatter, its own part to an allgather.
    public var bytes = 0

    public init() {}
}
