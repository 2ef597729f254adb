package dev.h3servlet.servlet;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the end of a bodiless HTTP/3 request (a GET whose end-of-stream the client sent in a frame of its own, after
 * the field section) before the first write of its response, while the stream is still open.
 * <p>
 * Browsers send the end-of-stream with the field section and are never held. A client that sends it a moment later
 * has the response's first write (its field section, or for a small response the whole response) held by that
 * moment. Only requests without content semantics are touched (GET, HEAD, OPTIONS and TRACE without a positive
 * {@code Content-Length}), so nothing an app could still read is taken from it. The wait is bounded by
 * {@value #MAX_WAIT_MILLIS} ms and {@value #MAX_BYTES} bytes; past either, the response goes on as before.
 * <p>
 * See docs/workarounds/quiche-late-fin-busy-loop.md for the quiche and Jetty behaviour this works around, with its
 * reproducer.
 */
final class RequestEndBeforeResponse extends Response.Wrapper {

	static final int MAX_BYTES = 16 * 1024;

	static final long MAX_WAIT_MILLIS = 1000;

	private static final Set<String> BODILESS_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

	private static final Logger logger = LoggerFactory.getLogger(RequestEndBeforeResponse.class);

	private final AtomicBoolean started = new AtomicBoolean();

	private RequestEndBeforeResponse(Request request, Response response) {
		super(request, response);
	}

	/** Wraps the response of a bodiless request; returns others as they are. */
	static Response wrap(Request request, Response response) {
		if (!BODILESS_METHODS.contains(request.getMethod())
				|| request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) > 0) {
			return response;
		}
		return new RequestEndBeforeResponse(request, response);
	}

	@Override
	public void write(boolean last, ByteBuffer byteBuffer, Callback callback) {
		if (this.started.compareAndSet(false, true)) {
			logger.debug("First write of {}: reading the request's end first", getRequest());
			new EndReader(getRequest(), () -> super.write(last, byteBuffer, callback)).read();
			return;
		}
		super.write(last, byteBuffer, callback);
	}

	/** Reads the request to its end, within the bounds, then runs the first write once. */
	private static final class EndReader {

		private final Request request;

		private final Runnable then;

		private final AtomicBoolean done = new AtomicBoolean();

		private long bytes;

		private Scheduler.Task timeout;

		EndReader(Request request, Runnable then) {
			this.request = request;
			this.then = then;
		}

		void read() {
			while (!this.done.get()) {
				Content.Chunk chunk;
				try {
					chunk = this.request.read();
				}
				catch (RuntimeException ex) {
					finish();
					return;
				}
				if (chunk == null) {
					awaitMore();
					return;
				}
				this.bytes += chunk.remaining();
				boolean end = chunk.isLast() || Content.Chunk.isFailure(chunk) || this.bytes > MAX_BYTES;
				chunk.release();
				if (end) {
					logger.debug("Request end read ({} bytes, last={}) for {}", this.bytes, chunk.isLast(), this.request);
					finish();
					return;
				}
			}
		}

		private void awaitMore() {
			synchronized (this) {
				if (this.timeout == null) {
					Scheduler scheduler = this.request.getComponents().getScheduler();
					this.timeout = scheduler.schedule(this::finish, MAX_WAIT_MILLIS, TimeUnit.MILLISECONDS);
				}
			}
			try {
				this.request.demand(this::read);
			}
			catch (RuntimeException ex) {
				// A demand of the app's is pending: it is still reading, leave the request to it.
				finish();
			}
		}

		private void finish() {
			if (this.done.compareAndSet(false, true)) {
				synchronized (this) {
					if (this.timeout != null) {
						this.timeout.cancel();
					}
				}
				this.then.run();
			}
		}

	}

}
