package dev.h3servlet.connector.netty;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.h3servlet.connector.Http3ConnectorStatistics;

/**
 * The {@link Http3ConnectorStatistics} of a {@link NettyHttp3Connector}, counted as its QUIC connections, request
 * streams and datagrams come and go ({@link QuicConnection}, {@link DatagramCounter}).
 */
final class NettyStatistics implements Http3ConnectorStatistics {

	private final AtomicInteger openConnections = new AtomicInteger();

	private final AtomicLong activeStreams = new AtomicLong();

	private final LongAdder handshakeFailures = new LongAdder();

	private final LongAdder bytesReceived = new LongAdder();

	private final LongAdder bytesSent = new LongAdder();

	@Override
	public int getOpenConnections() {
		return this.openConnections.get();
	}

	@Override
	public long getActiveStreams() {
		return this.activeStreams.get();
	}

	@Override
	public long getHandshakeFailures() {
		return this.handshakeFailures.sum();
	}

	@Override
	public long getBytesReceived() {
		return this.bytesReceived.sum();
	}

	@Override
	public long getBytesSent() {
		return this.bytesSent.sum();
	}

	void connectionOpened() {
		this.openConnections.incrementAndGet();
	}

	void connectionClosed() {
		this.openConnections.decrementAndGet();
	}

	void handshakeFailed() {
		this.handshakeFailures.increment();
	}

	void streamOpened() {
		this.activeStreams.incrementAndGet();
	}

	void streamClosed() {
		this.activeStreams.decrementAndGet();
	}

	void received(long bytes) {
		this.bytesReceived.add(bytes);
	}

	void sent(long bytes) {
		this.bytesSent.add(bytes);
	}

	@Override
	public String toString() {
		return "NettyStatistics[openConnections=" + getOpenConnections() + ", activeStreams=" + getActiveStreams()
				+ ", handshakeFailures=" + getHandshakeFailures() + ", bytesReceived=" + getBytesReceived()
				+ ", bytesSent=" + getBytesSent() + "]";
	}

}
