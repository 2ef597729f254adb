package dev.h3servlet.connector;

import java.util.Collections;
import java.util.EventListener;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.jetty.quic.api.Session;
import org.eclipse.jetty.quic.api.Stream;

/**
 * Live counts for one {@link Http3Connector}, from the start of the connector (it is registered before any QUIC
 * connection can open):
 * <ul>
 * <li>{@link #getOpenConnections() open connections}: QUIC connections whose handshake completed and that have not
 * been disconnected yet;</li>
 * <li>{@link #getActiveStreams() active streams}: request streams (client-initiated bidirectional QUIC streams, one per
 * HTTP/3 request) open on those connections; HTTP/3's control and QPACK streams are not counted;</li>
 * <li>{@link #getHandshakeFailures() handshake failures}: QUIC connections Jetty created a session for that ended
 * before their handshake completed (TLS alert, ALPN mismatch, handshake timeout, a failure processing a packet).
 * Packets quiche drops before Jetty creates a session (unparseable, wrong version, failed retry tokens) are not
 * seen;</li>
 * <li>{@link #getBytesReceived() bytes received} and {@link #getBytesSent() sent}: UDP payload bytes of every datagram
 * through the connector's socket, that is QUIC packets with their headers, encryption overhead, handshakes,
 * acknowledgements and retransmissions, not HTTP content bytes.</li>
 * </ul>
 */
public final class Http3ConnectorStatistics {

	private final Set<Session> openSessions = ConcurrentHashMap.newKeySet();

	/** Sessions seen to disconnect, so that a second disconnect notification is not counted again. */
	private final Map<Session, Boolean> disconnected = Collections.synchronizedMap(new WeakHashMap<>());

	private final LongAdder handshakeFailures = new LongAdder();

	private final LongAdder bytesReceived = new LongAdder();

	private final LongAdder bytesSent = new LongAdder();

	Http3ConnectorStatistics() {
	}

	/** The number of QUIC connections established and not disconnected. */
	public int getOpenConnections() {
		return this.openSessions.size();
	}

	/** The established QUIC connections not disconnected yet (a live view). */
	Set<Session> openSessions() {
		return Collections.unmodifiableSet(this.openSessions);
	}

	/** The number of HTTP/3 request streams open on established QUIC connections. */
	public long getActiveStreams() {
		long active = 0;
		for (Session session : this.openSessions) {
			for (Stream stream : session.getStreams()) {
				if (stream.isBidirectional() && !stream.isLocal()) {
					active++;
				}
			}
		}
		return active;
	}

	/** The number of QUIC connections that ended before their handshake completed. */
	public long getHandshakeFailures() {
		return this.handshakeFailures.sum();
	}

	/** The number of UDP payload bytes received. */
	public long getBytesReceived() {
		return this.bytesReceived.sum();
	}

	/** The number of UDP payload bytes sent. */
	public long getBytesSent() {
		return this.bytesSent.sum();
	}

	void received(long bytes) {
		if (bytes > 0) {
			this.bytesReceived.add(bytes);
		}
	}

	void sent(long bytes) {
		if (bytes > 0) {
			this.bytesSent.add(bytes);
		}
	}

	/** The listener the connector registers on its QUIC configuration. */
	EventListener sessionListener() {
		return new SessionListener();
	}

	@Override
	public String toString() {
		return "Http3ConnectorStatistics[openConnections=" + getOpenConnections() + ", activeStreams="
				+ getActiveStreams() + ", handshakeFailures=" + getHandshakeFailures() + ", bytesReceived="
				+ getBytesReceived() + ", bytesSent=" + getBytesSent() + "]";
	}

	private final class SessionListener implements Session.Listener, EventListener {

		@Override
		public void onOpen(Session session) {
			Http3ConnectorStatistics.this.openSessions.add(session);
		}

		@Override
		public void onDisconnect(Session session) {
			boolean wasOpen = Http3ConnectorStatistics.this.openSessions.remove(session);
			boolean first = Http3ConnectorStatistics.this.disconnected.put(session, Boolean.TRUE) == null;
			if (!wasOpen && first) {
				Http3ConnectorStatistics.this.handshakeFailures.increment();
			}
		}

	}

}
