package dev.h3servlet.connector.internal;

import java.util.concurrent.atomic.LongAdder;

import dev.h3servlet.connector.Http3ConnectorStatistics;

/**
 * The counts both transports keep the same way: handshake failures and UDP payload bytes each way. A transport adds
 * how it knows its open connections and active streams.
 */
public abstract class CountedTraffic implements Http3ConnectorStatistics {

	private final LongAdder handshakeFailures = new LongAdder();

	private final LongAdder bytesReceived = new LongAdder();

	private final LongAdder bytesSent = new LongAdder();

	@Override
	public final long getHandshakeFailures() {
		return this.handshakeFailures.sum();
	}

	@Override
	public final long getBytesReceived() {
		return this.bytesReceived.sum();
	}

	@Override
	public final long getBytesSent() {
		return this.bytesSent.sum();
	}

	/** Counts one QUIC connection that ended before its handshake completed. */
	public final void handshakeFailed() {
		this.handshakeFailures.increment();
	}

	/** Counts the payload bytes of datagrams received; nothing for a count of zero or less. */
	public final void received(long bytes) {
		if (bytes > 0) {
			this.bytesReceived.add(bytes);
		}
	}

	/** Counts the payload bytes of datagrams sent; nothing for a count of zero or less. */
	public final void sent(long bytes) {
		if (bytes > 0) {
			this.bytesSent.add(bytes);
		}
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[openConnections=" + getOpenConnections() + ", activeStreams="
				+ getActiveStreams() + ", handshakeFailures=" + getHandshakeFailures() + ", bytesReceived="
				+ getBytesReceived() + ", bytesSent=" + getBytesSent() + ", webTransportSessions="
				+ getWebTransportSessions() + ", webTransportDatagramsDropped=" + getWebTransportDatagramsDropped() + "]";
	}

}
