package dev.h3servlet.servlet;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Consumes the content an app writes in answer to an HTTP/3 {@code HEAD}, once written, as Jetty's HTTP/1.1 does, so
 * that the servlet output does not write it again. HTTP/2 keeps Jetty's behaviour; the bridge only touches HTTP/3.
 * <p>
 * See docs/workarounds/jetty-head-content-not-consumed.md for the Jetty behaviour this works around, with its
 * reproducer.
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
