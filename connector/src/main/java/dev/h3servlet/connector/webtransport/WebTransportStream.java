package dev.h3servlet.connector.webtransport;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One WebTransport stream, as blocking streams of bytes: reads wait for the client's bytes, writes wait while the
 * client's flow control or the connection holds them back. Call them from the handler's threads (or virtual threads),
 * never from the transport's event loop.
 */
public interface WebTransportStream extends Closeable {

	/** The QUIC stream id. */
	long id();

	/** Whether bytes go both ways. */
	boolean isBidirectional();

	/** What the client sends, to its end; empty for a unidirectional stream this side opened. */
	InputStream getInputStream();

	/**
	 * What goes to the client; closing it ends the stream's sending side (FIN).
	 * @throws IllegalStateException for a unidirectional stream the client opened
	 */
	OutputStream getOutputStream();

	/** Ends the stream: FIN on the sending side (if not sent already); the receiving side is stopped if still open. */
	@Override
	void close();

}
