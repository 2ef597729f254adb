package dev.h3servlet.servlet;

import java.io.UncheckedIOException;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * An HTTP/3 request whose read failures are {@code IOException}s, as over HTTP/1.1 and HTTP/2: a read failure that is
 * an {@code UncheckedIOException} is replaced by the {@code IOException} it wraps, so the servlet gets the same failure
 * on every path, {@code ReadListener.onError} included.
 * <p>
 * See docs/workarounds/jetty-http3-unchecked-read-failure.md for the Jetty behaviour this works around, with its
 * reproducer.
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
