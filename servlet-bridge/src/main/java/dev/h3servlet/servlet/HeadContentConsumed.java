package dev.h3servlet.servlet;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Consumes the content an app writes in answer to an HTTP/3 {@code HEAD}, once written, as Jetty's HTTP/1.1 does.
 * <p>
 * Servlet 6's {@code HttpServlet.doHead} runs {@code doGet} and lets the container drop the body. Jetty 12.1.5's
 * HTTP/1.1 generator consumes each dropped buffer; its HTTP/2 and HTTP/3 streams leave it unconsumed, so the servlet
 * output writes the same bytes again. Once the body passes the output buffer, the count exceeds the
 * {@code Content-Length} ("written 65768 &gt; 40000 content-length" for 40000 bytes in 1000-byte writes), the
 * stream is reset instead of answered, and in one of three measured runs the client's connection was left unusable
 * afterwards. HTTP/2 keeps Jetty's behaviour; the bridge only touches HTTP/3.
 */
final class HeadContentConsumed extends Response.Wrapper {

	private HeadContentConsumed(Request request, Response response) {
		super(request, response);
	}

	/** Wraps the response of a {@code HEAD} request; returns others as they are. */
	static Response wrap(Request request, Response response) {
		return HttpMethod.HEAD.is(request.getMethod()) ? new HeadContentConsumed(request, response) : response;
	}

	@Override
	public void write(boolean last, ByteBuffer byteBuffer, Callback callback) {
		super.write(last, byteBuffer, new Callback.Nested(callback) {

			@Override
			public void succeeded() {
				BufferUtil.clear(byteBuffer);
				super.succeeded();
			}

		});
	}

}
