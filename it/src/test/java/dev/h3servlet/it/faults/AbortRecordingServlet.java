package dev.h3servlet.it.faults;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The server side of {@link AbortingExchange}: a POST is read to its end, a GET answered with up to
 * {@value #DOWNLOAD_MAX} bytes, each with blocking I/O or, with {@code ?async}, a {@code ReadListener} or
 * {@code WriteListener}. Every request's end is recorded under its {@code x-abort-id}: the failure the servlet saw
 * (an {@code IOException} thrown by a read or write, or the throwable given to {@code onError}), or
 * {@value #COMPLETED} if its body was read or written to the end. A failure is recorded as its class name, marked
 * {@value #NOT_IO} if it is no {@code IOException} and {@value #TIMEOUT} if a {@code TimeoutException} caused it, so
 * that thousands of outcomes hold no stack traces.
 */
final class AbortRecordingServlet extends HttpServlet {

	static final String COMPLETED = "completed";

	static final String NOT_IO = " (not an IOException)";

	static final String TIMEOUT = " (timeout)";

	static final int DOWNLOAD_MAX = 16 * 1024 * 1024;

	private static final int CHUNK = 8 * 1024;

	private static final byte[] DOWNLOAD_CHUNK = new byte[CHUNK];

	/** What each request ended with: a failure's description, or {@link #COMPLETED}. */
	final Map<String, String> outcomes = new ConcurrentHashMap<>();

	/** Requests that entered the servlet and have not ended yet. */
	final AtomicInteger active = new AtomicInteger();

	/** Requests that did not reach the servlet as HTTP/3.0. */
	final AtomicInteger notHttp3 = new AtomicInteger();

	@Override
	protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String id = enter(request);
		try {
			response.setStatus(200);
			response.flushBuffer();
			ServletInputStream in = request.getInputStream();
			if (request.getParameter("async") != null) {
				readAsync(id, request.startAsync(), in);
				return;
			}
			byte[] buffer = new byte[CHUNK];
			while (in.read(buffer) >= 0) {
				// Read to the end: the client resets the stream before it.
			}
			end(id, COMPLETED);
		}
		catch (IOException | RuntimeException ex) {
			// Recorded, not rethrown: Jetty would log each of thousands at WARN with its stack trace.
			end(id, ex);
		}
	}

	private void readAsync(String id, AsyncContext async, ServletInputStream in) {
		async.setTimeout(0);
		in.setReadListener(new ReadListener() {

			private final byte[] buffer = new byte[CHUNK];

			@Override
			public void onDataAvailable() throws IOException {
				while (in.isReady() && in.read(this.buffer) >= 0) {
					// Read what has arrived.
				}
			}

			@Override
			public void onAllDataRead() {
				end(id, COMPLETED);
				async.complete();
			}

			@Override
			public void onError(Throwable failure) {
				end(id, failure);
				async.complete();
			}

		});
	}

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String id = enter(request);
		try {
			response.setContentType("application/octet-stream");
			ServletOutputStream out = response.getOutputStream();
			if (request.getParameter("async") != null) {
				writeAsync(id, request.startAsync(), out);
				return;
			}
			for (int written = 0; written < DOWNLOAD_MAX; written += CHUNK) {
				out.write(DOWNLOAD_CHUNK);
				out.flush();
			}
			end(id, COMPLETED);
		}
		catch (IOException | RuntimeException ex) {
			// Recorded, not rethrown: Jetty would log each of thousands at WARN with its stack trace.
			end(id, ex);
		}
	}

	private void writeAsync(String id, AsyncContext async, ServletOutputStream out) {
		async.setTimeout(0);
		out.setWriteListener(new WriteListener() {

			private int written;

			@Override
			public void onWritePossible() throws IOException {
				while (out.isReady()) {
					if (this.written >= DOWNLOAD_MAX) {
						end(id, COMPLETED);
						async.complete();
						return;
					}
					out.write(DOWNLOAD_CHUNK);
					this.written += CHUNK;
				}
			}

			@Override
			public void onError(Throwable failure) {
				end(id, failure);
				async.complete();
			}

		});
	}

	private String enter(HttpServletRequest request) {
		this.active.incrementAndGet();
		if (!"HTTP/3.0".equals(request.getProtocol())) {
			this.notHttp3.incrementAndGet();
		}
		String id = request.getHeader("x-abort-id");
		return (id != null) ? id : "(no id)";
	}

	private void end(String id, Throwable failure) {
		String outcome = failure.getClass().getName();
		if (!(failure instanceof IOException)) {
			outcome += NOT_IO;
		}
		for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
			if (cause instanceof TimeoutException) {
				outcome += TIMEOUT;
				break;
			}
		}
		end(id, outcome);
	}

	private void end(String id, String outcome) {
		if (this.outcomes.putIfAbsent(id, outcome) == null) {
			this.active.decrementAndGet();
		}
	}

}
