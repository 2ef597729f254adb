package dev.h3servlet.servlet;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Queue;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Lets a response's writes reach the stream one at a time: a write issued while an earlier one has not completed
 * waits for it, instead of failing the exchange with a {@code WritePendingException} and resetting the stream.
 * <p>
 * Jetty 12.1's servlet error page (a {@code sendError} with no error page mapped) is written twice without waiting:
 * the page, then an empty last write. Whenever the page's write does not complete at once (the client's flow-control
 * window is smaller than the page, or the transport completes writes later), the second write fails the exchange and
 * the client receives a reset stream instead of its 4xx or 5xx. Writes a servlet issues through its output stream are
 * already one at a time, so they pass through unchanged.
 * <p>
 * See docs/workarounds/jetty-error-page-overlapping-writes.md for the Jetty behaviour this works around, with its
 * reproducer.
 */
final class SerializedWrites extends Response.Wrapper {

	private final Queue<Write> waiting = new ArrayDeque<>();

	private boolean writing;

	SerializedWrites(Request request, Response response) {
		super(request, response);
	}

	@Override
	public void write(boolean last, ByteBuffer byteBuffer, Callback callback) {
		synchronized (this) {
			if (this.writing) {
				this.waiting.add(new Write(last, byteBuffer, callback));
				return;
			}
			this.writing = true;
		}
		issue(new Write(last, byteBuffer, callback));
	}

	private void issue(Write write) {
		super.write(write.last(), write.byteBuffer(), new Callback() {

			@Override
			public void succeeded() {
				try {
					write.callback().succeeded();
				}
				finally {
					next();
				}
			}

			@Override
			public void failed(Throwable failure) {
				try {
					write.callback().failed(failure);
				}
				finally {
					next();
				}
			}

			@Override
			public InvocationType getInvocationType() {
				return write.callback().getInvocationType();
			}

		});
	}

	private void next() {
		Write write;
		synchronized (this) {
			write = this.waiting.poll();
			if (write == null) {
				this.writing = false;
				return;
			}
		}
		issue(write);
	}

	private record Write(boolean last, ByteBuffer byteBuffer, Callback callback) {
	}

}
