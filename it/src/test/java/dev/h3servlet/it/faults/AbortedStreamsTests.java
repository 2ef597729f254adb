package dev.h3servlet.it.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.testing.NettyHttp3Client;
import dev.h3servlet.it.faults.AbortingExchange.Kind;
import dev.h3servlet.servlet.Http3ServletServer;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 10,000 request streams aborted by the client (Netty's HTTP/3 codec): half mid-upload (RESET_STREAM after part of
 * the body), half mid-download (STOP_SENDING after part of a large response), a quarter of each with the servlet's
 * non-blocking I/O. Every request's servlet must see an {@code IOException} (thrown by a read or write, or given to
 * {@code onError}), none may hang, Jetty's tracking buffer pool (the server's, which the QUIC connector uses) must
 * report no leaked buffer, and the process's file descriptors and heap must come back to what they were before.
 * A plain request then still works over HTTP/3.
 */
class AbortedStreamsTests {

	private static final int STREAMS = 10_000;

	private static final int WARM_UP_STREAMS = 400;

	private static final int CONNECTIONS = 4;

	private static final int IN_FLIGHT = 64;

	/** Bound of the storm itself; a run here takes a fraction of it. */
	private static final Duration STORM_LIMIT = Duration.ofSeconds(75);

	/** Bound of any one exchange, and of every wait for the server to settle. */
	private static final Duration WAIT = Duration.ofSeconds(20);

	/**
	 * Longer than the storm and every wait, so that no request can end by an idle timeout: an outcome recorded must
	 * come from the abort itself.
	 */
	private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(120);

	/** The server sends at most this much of a response the client has not read. */
	private static final long CLIENT_STREAM_WINDOW = 32 * 1024;

	/**
	 * File descriptors the JVM may open during the storm and keep, that are no leak: a jar the class loader opens
	 * for a class first needed then. The clients' UDP sockets and selectors (about 4 per connection) are closed.
	 */
	private static final long FD_TOLERANCE = 2;

	/**
	 * Heap that may stay in use: class metadata is not heap, and the buffer pool is emptied before each measure.
	 * A leak of 1 KiB per aborted stream (far less than one Jetty stream and request retained) is 10 MiB, over it.
	 */
	private static final long HEAP_TOLERANCE = 8 * 1024 * 1024;

	static final ArrayByteBufferPool.Tracking pool = new ArrayByteBufferPool.Tracking();

	static final AbortRecordingServlet servlet = new AbortRecordingServlet();

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder.byteBufferPool(pool)
		.http3(Http3Settings.builder().idleTimeout(IDLE_TIMEOUT).streamIdleTimeout(IDLE_TIMEOUT).build())
		.servlet("/abort/*", servlet)
		.servlet("/hello", new HelloServlet()));

	@Test
	void abortedStreamsFailInTheServletAndLeakNothing() throws Exception {
		Http3Connector connector = Http3ServletServer.http3Connector(server.server());
		assertThat(connector.getByteBufferPool()).isSameAs(pool);

		Storm warmUp = storm("w", WARM_UP_STREAMS);
		assertThat(warmUp.failures).isEmpty();
		awaitServletEnds(WARM_UP_STREAMS);
		awaitNoConnections(connector);
		servlet.outcomes.clear();
		pool.clear();
		ProcessResources before = ProcessResources.measure();

		Storm storm = storm("s", STREAMS);
		long settleStart = System.nanoTime();
		awaitServletEnds(storm.aborted);
		Duration settle = Duration.ofNanos(System.nanoTime() - settleStart);
		awaitNoConnections(connector);
		boolean noLeaks = await(() -> pool.getLeaks().isEmpty());
		int leaks = pool.getLeaks().size();
		Map<String, Integer> outcomes = summarize(servlet.outcomes);
		int servletEnds = servlet.outcomes.size();
		servlet.outcomes.clear();
		pool.clear();
		ProcessResources after = ProcessResources.measure();

		System.out.printf("Aborted streams: %d of %d sent in %d ms (%.0f streams/s, %d connections, %d in flight); "
				+ "client failures %d; servlet outcomes %s after %d ms more; servlets still active %d; not HTTP/3 %d; "
				+ "buffers held at peak %d, leaked %d; before %s; after %s%n", storm.aborted, STREAMS,
				storm.duration.toMillis(), storm.aborted * 1000.0 / Math.max(1, storm.duration.toMillis()),
				CONNECTIONS, IN_FLIGHT, storm.failures.size(), outcomes, settle.toMillis(), servlet.active.get(),
				servlet.notHttp3.get(), storm.peakBuffersHeld, leaks, before, after);

		assertThat(storm.failures).as("client-side failures").isEmpty();
		assertThat(storm.aborted).isEqualTo(STREAMS);
		assertThat(servlet.active).as("servlets still waiting (hung)").hasValue(0);
		assertThat(servletEnds).as("requests ended in the servlet").isEqualTo(STREAMS);
		assertThat(outcomes.keySet()).as("what the servlets saw")
			.noneMatch((outcome) -> outcome.equals(AbortRecordingServlet.COMPLETED)
					|| outcome.endsWith(AbortRecordingServlet.NOT_IO) || outcome.endsWith(AbortRecordingServlet.TIMEOUT));
		assertThat(servlet.notHttp3).hasValue(0);
		assertThat(storm.peakBuffersHeld).as("buffers the QUIC connector took from the tracking pool").isPositive();
		assertThat(noLeaks).as("no leaked buffers:%n%s", leaks > 0 ? pool.dumpLeaks() : "").isTrue();
		assertThat(after.fileDescriptors()).as("file descriptors (before: %s)", before.fileDescriptors())
			.isLessThanOrEqualTo(before.fileDescriptors() + FD_TOLERANCE);
		assertThat(after.heapUsed()).as("heap used after GC (before: %s)", ProcessResources.mib(before.heapUsed()))
			.isLessThanOrEqualTo(before.heapUsed() + HEAP_TOLERANCE);

		try (NettyHttp3Client client = connect()) {
			NettyHttp3Client.Response response = client.send(NettyHttp3Client.Request.get("/hello"));
			assertThat(client.applicationProtocol()).isEqualTo("h3");
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.bodyAsString()).isEqualTo("hello over HTTP/3.0");
		}
	}

	/**
	 * Aborts {@code count} streams over fresh connections, {@value #IN_FLIGHT} at a time, then closes the
	 * connections. Stream {@code i} is an upload if {@code i} is even, and uses non-blocking I/O if {@code i % 4} is
	 * 2 or 3.
	 */
	private static Storm storm(String prefix, int count) throws Exception {
		Storm storm = new Storm();
		List<NettyHttp3Client> clients = new ArrayList<>();
		try {
			for (int i = 0; i < CONNECTIONS; i++) {
				clients.add(connect());
			}
			String authority = "127.0.0.1:" + server.http3Port();
			Semaphore inFlight = new Semaphore(IN_FLIGHT);
			AtomicInteger aborted = new AtomicInteger();
			long start = System.nanoTime();
			long deadline = start + STORM_LIMIT.toNanos();
			for (int i = 0; i < count; i++) {
				if (!inFlight.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
					storm.failures.add("storm limit of " + STORM_LIMIT + " reached after " + i + " streams");
					break;
				}
				Kind kind = (i % 2 == 0) ? Kind.UPLOAD : Kind.DOWNLOAD;
				String path = "/abort/" + kind.name().toLowerCase() + ((i % 4 >= 2) ? "?async" : "");
				String id = prefix + i;
				AbortingExchange exchange = AbortingExchange.start(clients.get(i % CONNECTIONS).quicChannel(), kind,
						path, id, authority);
				exchange.aborted.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ignored, failure) -> {
					if (failure != null) {
						storm.failures.add(id + " " + path + ": " + failure);
					}
					else {
						aborted.incrementAndGet();
					}
					inFlight.release();
				});
				if (i % 500 == 0) {
					storm.peakBuffersHeld = Math.max(storm.peakBuffersHeld, pool.getLeaks().size());
				}
			}
			if (!inFlight.tryAcquire(IN_FLIGHT, WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				storm.failures.add((IN_FLIGHT - inFlight.availablePermits()) + " exchanges never ended");
			}
			storm.duration = Duration.ofNanos(System.nanoTime() - start);
			storm.aborted = aborted.get();
		}
		finally {
			for (NettyHttp3Client client : clients) {
				client.close();
			}
		}
		return storm;
	}

	private static NettyHttp3Client connect() throws IOException {
		return NettyHttp3Client.connect(new InetSocketAddress("127.0.0.1", server.http3Port()),
				server.certificate().certificate(), Duration.ofSeconds(30), CLIENT_STREAM_WINDOW);
	}

	private static void awaitServletEnds(int count) throws InterruptedException {
		await(() -> servlet.outcomes.size() >= count && servlet.active.get() == 0);
	}

	private static void awaitNoConnections(Http3Connector connector) throws InterruptedException {
		assertThat(await(() -> connector.getStatistics().getOpenConnections() == 0))
			.as("QUIC connections closed: %s", connector.getStatistics())
			.isTrue();
	}

	/** Waits, at most {@link #WAIT}, for the condition; returns whether it came true. */
	private static boolean await(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			Thread.sleep(20);
		}
		return true;
	}

	/** How many requests ended with each outcome. */
	private static Map<String, Integer> summarize(Map<String, String> outcomes) {
		Map<String, Integer> counts = new TreeMap<>();
		outcomes.values().forEach((outcome) -> counts.merge(outcome, 1, Integer::sum));
		return counts;
	}

	private static final class Storm {

		final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

		volatile int aborted;

		volatile Duration duration = Duration.ZERO;

		volatile int peakBuffersHeld;

	}

	static final class HelloServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/plain");
			response.getWriter().print("hello over " + request.getProtocol());
		}

	}

}
