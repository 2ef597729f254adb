package dev.h3servlet.connector.webtransport;

import java.nio.ByteBuffer;

/**
 * What a WebTransport session's events go to. Each method runs on the server's executor, never on the transport's
 * event loop, so it may block (read a stream to its end, say); {@link #onStream} runs once per stream, each in a task
 * of its own. {@link #onOpen} returns before any other method runs for its session: the streams, datagrams and close
 * that arrive while it runs wait until it returns.
 */
public interface WebTransportHandler {

	/** The session is open: the client has its 2xx answer. */
	void onOpen(WebTransportSession session) throws Exception;

	/**
	 * The client opened a stream (bidirectional, or unidirectional towards the server). The handler owns it: what it
	 * does not read or close is reset when the session ends. Resets it unless overridden.
	 */
	default void onStream(WebTransportSession session, WebTransportStream stream) throws Exception {
		stream.close();
	}

	/** A datagram from the client (unreliable: datagrams may be lost or reordered). Ignored unless overridden. */
	default void onDatagram(WebTransportSession session, ByteBuffer datagram) throws Exception {
	}

	/**
	 * The session ended: closed by either side (with the code and reason of a CLOSE_WEBTRANSPORT_SESSION, or 0 and
	 * "" when the CONNECT stream just ended), or gone with its connection.
	 */
	default void onClose(WebTransportSession session, long code, String reason) throws Exception {
	}

}
