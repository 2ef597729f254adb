package dev.h3servlet.servlet;

import java.io.UncheckedIOException;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * An HTTP/3 request whose read failures are {@code IOException}s, as over HTTP/1.1 and HTTP/2.
 * <p>
 * When a client resets a stream mid-upload, Jetty 12.1.5's HTTP/3 stream sometimes fails the read with the
 * {@code UncheckedIOException} its parser threw (wrapping the {@code EOFException} "failed to read from stream N;
 * quiche_err=QUICHE_ERR_STREAM_RESET") rather than that {@code EOFException}. A blocking read turns either into an
 * {@code IOException}, but a {@code ReadListener.onError} got the unchecked one as it is, about one run in twenty.
 * Unwrapping it here gives the servlet the same failure whichever path Jetty took.
 */
final class IOExceptionFailures extends Request.Wrapper {

	IOExceptionFailures(Request request) {
		super(request);
	}

	@Override
	public Content.Chunk read() {
		Content.Chunk chunk = super.read();
		if (Content.Chunk.isFailure(chunk) && chunk.getFailure() instanceof UncheckedIOException unchecked) {
			return Content.Chunk.from(unchecked.getCause(), chunk.isLast());
		}
		return chunk;
	}

}
