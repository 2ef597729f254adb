package dev.h3servlet.connector.netty;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.h3servlet.connector.Http3ConnectorStatistics;
import dev.h3servlet.connector.internal.CountedTraffic;

/**
 * The {@link Http3ConnectorStatistics} of a {@link NettyHttp3Connector}, counted as its QUIC connections, request
 * streams and datagrams come and go ({@link QuicConnection}, {@link DatagramCounter}).
 */
final class NettyStatistics extends CountedTraffic {

	private final AtomicInteger openConnections = new AtomicInteger();

	private final AtomicLong activeStreams = new AtomicLong();

	private final AtomicInteger webTransportSessions = new AtomicInteger();

	private final LongAdder webTransportDatagramsDropped = new LongAdder();

	@Override
	public int getOpenConnections() {
		return this.openConnections.get();
	}

	@Override
	public long getActiveStreams() {
		return this.activeStreams.get();
	}

	@Override
	public int getWebTransportSessions() {
		return this.webTransportSessions.get();
	}

	@Override
	public long getWebTransportDatagramsDropped() {
		return this.webTransportDatagramsDropped.sum();
	}

	void connectionOpened() {
		this.openConnections.incrementAndGet();
	}

	void connectionClosed() {
		this.openConnections.decrementAndGet();
	}

	void streamOpened() {
		this.activeStreams.incrementAndGet();
	}

	void streamClosed() {
		this.activeStreams.decrementAndGet();
	}

	void webTransportSessionOpened() {
		this.webTransportSessions.incrementAndGet();
	}

	void webTransportSessionEnded() {
		this.webTransportSessions.decrementAndGet();
	}

	void webTransportDatagramDropped() {
		this.webTransportDatagramsDropped.increment();
	}

}
