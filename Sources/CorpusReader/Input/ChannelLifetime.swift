/// Cancels the channel — and so stops the decompressing thread — when the iterator that owns
/// it goes away, however the consumer stopped (finished, broke out of the loop, or threw).
package final class ChannelLifetime: Sendable {
    let channel: BoundedChannel<ByteStreamEvent>
    let pool: ByteStoragePool

    package init(channel: BoundedChannel<ByteStreamEvent>, pool: ByteStoragePool) {
        self.channel = channel
        self.pool = pool
    }

    deinit { channel.cancel() }
}
