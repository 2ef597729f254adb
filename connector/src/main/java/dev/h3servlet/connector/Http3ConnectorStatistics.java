package dev.h3servlet.connector;

/**
 * Live counts of one {@link Http3Connector}, from its start, whichever its {@link Http3Transport}:
 * <ul>
 * <li>{@link #getOpenConnections() open connections}: QUIC connections whose handshake completed and that have not
 * been closed yet;</li>
 * <li>{@link #getActiveStreams() active streams}: request streams (client-initiated bidirectional QUIC streams, one per
 * HTTP/3 request) open on those connections; HTTP/3's control and QPACK streams are not counted;</li>
 * <li>{@link #getHandshakeFailures() handshake failures}: QUIC connections that ended before their handshake completed
 * (TLS alert, ALPN mismatch, handshake timeout). Packets dropped before a connection exists (unparseable, wrong
 * version, failed Retry tokens) are not counted;</li>
 * <li>{@link #getBytesReceived() bytes received} and {@link #getBytesSent() sent}: UDP payload bytes of every datagram
 * through the connector's socket, that is QUIC packets with their headers, encryption overhead, handshakes,
 * acknowledgements and retransmissions, not HTTP content bytes;</li>
 * <li>{@link #getWebTransportSessions() WebTransport sessions} open, and {@link #getWebTransportDatagramsDropped()
 * WebTransport datagrams dropped} by the server: received for no open session, received while the session's handler
 * already had {@code webTransportDatagramQueue} waiting, or failed to send. Both stay 0 on a transport without
 * WebTransport.</li>
 * </ul>
 */
public interface Http3ConnectorStatistics {

	/** The number of QUIC connections established and not closed. */
	int getOpenConnections();

	/** The number of HTTP/3 request streams open on established QUIC connections. */
	long getActiveStreams();

	/** The number of QUIC connections that ended before their handshake completed. */
	long getHandshakeFailures();

	/** The number of UDP payload bytes received. */
	long getBytesReceived();

	/** The number of UDP payload bytes sent. */
	long getBytesSent();

	/** The number of WebTransport sessions open. */
	default int getWebTransportSessions() {
		return 0;
	}

	/** The number of WebTransport datagrams the server dropped. */
	default long getWebTransportDatagramsDropped() {
		return 0;
	}

}
