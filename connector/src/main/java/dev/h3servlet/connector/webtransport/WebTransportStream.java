package dev.h3servlet.connector.webtransport;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One WebTransport stream, read and written either as blocking streams of bytes or without blocking:
 * <ul>
 * <li>{@link #getInputStream()} and {@link #getOutputStream()} block: reads wait for the client's bytes, writes wait
 * while the client's flow control or the connection holds them back. Call them from the handler's threads (or virtual
 * threads), never from the transport's event loop.</li>
 * <li>{@link #read()}, {@link #write(ByteBuffer)} and {@link #endOutput()} return at once with a future. The futures
 * complete on the transport's event loop, so the actions chained to them without an executor run there (or on the
 * chaining thread, if the future has completed already): those must not block (chain with
 * {@code thenApplyAsync(action, executor)} for ones that do).</li>
 * </ul>
 * Each direction is used one way or the other: a stream read through its {@code InputStream} cannot be
 * {@link #read()}, nor can one written through its {@code OutputStream} be {@link #write(ByteBuffer) written} to.
 * Either way, the client's flow control follows the application: bytes are taken from QUIC only as the application
 * reads (up to 1 MiB ahead).
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

	/**
	 * The next bytes the client sent, without blocking: the future completes with them as soon as some are here, with
	 * {@code null} once the client's last bytes were read (and for a unidirectional stream this side opened), or
	 * exceptionally with an {@link java.io.IOException} if the client reset the stream or the session ended.
	 * @return the future of the next bytes; it fails with {@link IllegalStateException} if a read is still pending
	 * @throws IllegalStateException if the stream is read through its {@link #getInputStream() InputStream}
	 */
	CompletableFuture<ByteBuffer> read();

	/**
	 * Sends the buffer's remaining bytes, without blocking: they are copied before this returns, and go out after
	 * those of earlier writes. The future completes once QUIC has taken them; waiting for it before writing more keeps
	 * a slow client from making the server buffer without bound.
	 * @return the future of the write; it fails with an {@link java.io.IOException} if the stream or session ended
	 * @throws IllegalStateException for a unidirectional stream the client opened, or one written through its
	 * {@link #getOutputStream() OutputStream}
	 */
	CompletableFuture<Void> write(ByteBuffer bytes);

	/**
	 * Ends the sending side (FIN) after what was written, without blocking.
	 * @return the future of the end (completed at once if it was ended already)
	 * @throws IllegalStateException for a unidirectional stream the client opened
	 */
	CompletableFuture<Void> endOutput();

	/** Ends the stream: FIN on the sending side (if not sent already); the receiving side is stopped if still open. */
	@Override
	void close();

}
