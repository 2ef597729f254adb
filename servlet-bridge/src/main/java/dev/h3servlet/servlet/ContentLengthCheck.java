package dev.h3servlet.servlet;

import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Fails the read of an HTTP/3 request body whose length disagrees with its {@code Content-Length} (RFC 9114 section
 * 4.1.2: such a request is malformed), instead of handing the application a body of another size: with more bytes as
 * soon as they exceed the declared length, with fewer when the stream ends early. The failure is a 400
 * {@link BadMessageException}; the servlet's read throws an {@code IOException} and, if it lets it go, the client gets
 * a 400.
 * <p>
 * See docs/workarounds/jetty-http3-content-length-unchecked.md for the Jetty behaviour this works around, with its
 * reproducer.
 */
final class ContentLengthCheck extends Request.Wrapper {

	private final long contentLength;

	private long received;

	private Content.Chunk failure;

	private ContentLengthCheck(Request request, long contentLength) {
		super(request);
		this.contentLength = contentLength;
	}

	/** Wraps a request that declares a {@code Content-Length}; returns others as they are. */
	static Request wrap(Request request) {
		long contentLength = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
		return (contentLength >= 0) ? new ContentLengthCheck(request, contentLength) : request;
	}

	@Override
	public Content.Chunk read() {
		if (this.failure != null) {
			return this.failure;
		}
		Content.Chunk chunk = super.read();
		if (chunk == null || Content.Chunk.isFailure(chunk)) {
			return chunk;
		}
		this.received += chunk.remaining();
		if (this.received > this.contentLength || (chunk.isLast() && this.received < this.contentLength)) {
			String problem = "Request body " + ((this.received > this.contentLength) ? "longer" : "shorter")
					+ " than its Content-Length of " + this.contentLength + " bytes (" + this.received
					+ (chunk.isLast() ? "" : " or more") + " received; RFC 9114 4.1.2)";
			chunk.release();
			this.failure = Content.Chunk.from(new BadMessageException(problem), true);
			return this.failure;
		}
		return chunk;
	}

}
