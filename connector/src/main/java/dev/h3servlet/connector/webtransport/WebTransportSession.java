package dev.h3servlet.connector.webtransport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** An open WebTransport session: its streams and datagrams with one client. Thread-safe. */
public interface WebTransportSession {

	/** The session id: the QUIC stream id of the CONNECT that opened it. */
	long id();

	/** The CONNECT's {@code :path}. */
	String path();

	/** What the CONNECT carried when the application accepted the session: fields, user, request attributes. */
	WebTransportHandshake handshake();

	/** Whether the session is still open. */
	boolean isOpen();

	/**
	 * Opens a bidirectional stream to the client, waiting while the client's stream limit is reached.
	 * @throws IOException if the session or its connection is closed
	 */
	WebTransportStream openBidirectionalStream() throws IOException;

	/**
	 * Opens a unidirectional stream to the client (its {@link WebTransportStream#getInputStream()} is empty).
	 * @throws IOException if the session or its connection is closed
	 */
	WebTransportStream openUnidirectionalStream() throws IOException;

	/**
	 * Opens a bidirectional stream to the client without blocking; the future completes on the transport's event loop
	 * (see {@link WebTransportStream}), or fails with an {@link IOException} if the session or connection is closed.
	 */
	CompletableFuture<WebTransportStream> openBidirectionalStreamAsync();

	/** Opens a unidirectional stream to the client without blocking, as {@link #openBidirectionalStreamAsync()}. */
	CompletableFuture<WebTransportStream> openUnidirectionalStreamAsync();

	/**
	 * Sends a datagram, unreliably.
	 * @return {@code false} if it was not sent: larger than {@link #maxDatagramSize()}, or the session is closed
	 */
	boolean sendDatagram(ByteBuffer datagram);

	/** The largest datagram payload the client accepts now, in bytes (0 if it takes none). */
	int maxDatagramSize();

	/**
	 * Asks the client to end the session soon (DRAIN_WEBTRANSPORT_SESSION; the browser's {@code WebTransport.draining}
	 * resolves), while it stays open. The server sends it by itself to every session when it stops gracefully.
	 */
	void drain();

	/**
	 * Closes the session with CLOSE_WEBTRANSPORT_SESSION: the code and reason reach the client's
	 * {@code WebTransport.closed}; streams still open are reset.
	 * @param code the application's code
	 * @param reason at most 1,024 bytes of UTF-8 (longer is cut)
	 */
	void close(int code, String reason);

}
