package dev.h3servlet.it.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.Http3ServletServer;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.Await;
import dev.h3servlet.test.NettyHttp3Client;
import dev.h3servlet.test.NettyHttp3Client.Response;
import dev.h3servlet.test.RawHttp3Client;
import dev.h3servlet.testapp.DeterministicBytes;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http3.api.Session;
import org.eclipse.jetty.http3.frames.GoAwayFrame;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A graceful stop ({@code Server.setStopTimeout} and {@code stop()}) with 100 slow requests in flight over HTTP/3 on a
 * few connections (Netty's HTTP/3 client): the server sends GOAWAY on every connection, all 100 requests complete with
 * a 200 and their whole body, a new request on a connection that received GOAWAY gets no response (Netty does not
 * send it; Jetty's frame-level client does, and the server refuses it), a new QUIC connection is refused, and the
 * server stops.
 */
@Tag(TestTransport.BOTH)
class GracefulShutdownTests {

	private static final int REQUESTS = 100;

	private static final int CONNECTIONS = 4;

	private static final int BODY_SIZE = 64 * 1024;

	private static final Duration WAIT = Duration.ofSeconds(20);

	/**
	 * Long enough for the checks made while the requests are held (new stream, new connection: up to 5 s each when
	 * refused slowly) and then 100 responses of 64 KiB on a loaded machine (7 s measured with a load average of 20).
	 * With 15 s one CI run ran out: the checks took about 10 s, and the stop timeout closed the connections while the
	 * responses were still being written (request 3 had 47,327 of 65,536 bytes). The stop waits all of it (see below).
	 */
	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	static final SlowServlet slow = new SlowServlet();

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder.servlet("/slow", slow)
		.servlet("/hello", new AbortedStreamsTests.HelloServlet()));

	@Test
	void requestsInFlightCompleteAndNewOnesAreRefused() throws Exception {
		Server jetty = server.server();
		Http3Connector connector = Http3ServletServer.http3Connector(jetty);
		InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.http3Port());
		List<NettyHttp3Client> clients = new ArrayList<>();
		Thread stopper = null;
		try (RawHttp3Client jettyClient = RawHttp3Client.start()) {
			// Jetty's frame-level client too, which sends a request after GOAWAY if told to: the server must refuse it.
			CompletableFuture<GoAwayFrame> jettyGoAway = new CompletableFuture<>();
			Session.Client jettySession = jettyClient.connect(server.http3Port(), new Session.Client.Listener() {
				@Override
				public void onGoAway(Session session, GoAwayFrame frame) {
					jettyGoAway.complete(frame);
				}
			});
			for (int i = 0; i < CONNECTIONS; i++) {
				clients.add(NettyHttp3Client.connect(address, server.certificate().certificate(), WAIT));
			}
			List<CompletableFuture<Response>> inFlight = new ArrayList<>();
			for (int i = 0; i < REQUESTS; i++) {
				inFlight.add(clients.get(i % CONNECTIONS).sendAsync(NettyHttp3Client.Request.get("/slow?id=" + i)));
			}
			assertThat(await(() -> slow.entered.get() == REQUESTS)).as("%d requests in the servlet", slow.entered.get())
				.isTrue();
			assertThat(connector.getStatistics().getActiveStreams()).isEqualTo(REQUESTS);

			jetty.setStopTimeout(STOP_TIMEOUT.toMillis());
			CompletableFuture<Void> stopped = new CompletableFuture<>();
			stopper = new Thread(() -> {
				try {
					jetty.stop();
					stopped.complete(null);
				}
				catch (Throwable ex) {
					stopped.completeExceptionally(ex);
				}
			}, "graceful-stop");
			stopper.start();
			assertThat(await(connector::isShuttingDown)).as("graceful shutdown started").isTrue();

			// Every connection is told GOAWAY.
			assertThat(await(() -> clients.stream().allMatch(GracefulShutdownTests::goAwayReceived)))
				.as("GOAWAY received on every connection").isTrue();
			assertThat(jettyGoAway.get(WAIT.toSeconds(), TimeUnit.SECONDS).isGraceful()).isTrue();
			// A new request on such a connection gets no response: Netty refuses to send it, the server refuses it.
			CompletableFuture<Response> late = clients.get(0).sendAsync(NettyHttp3Client.Request.get("/hello"));
			assertThat(late).failsWithin(WAIT).withThrowableOfType(Exception.class)
				.satisfies((ex) -> System.out.println("Graceful shutdown: Netty, new stream after GOAWAY: " + ex));
			assertThatException().isThrownBy(() -> RawHttp3Client.request(jettySession, "GET", server.uri("/hello"), true)
				.head.get(WAIT.toSeconds(), TimeUnit.SECONDS))
				.satisfies((ex) -> System.out.println("Graceful shutdown: Jetty, new stream after GOAWAY: " + ex));
			// A new connection is refused.
			Exception refused = null;
			try (NettyHttp3Client client = NettyHttp3Client.connect(address, server.certificate().certificate(),
					Duration.ofSeconds(5))) {
				Response response = client.send(NettyHttp3Client.Request.get("/hello"));
				throw new AssertionError("A connection opened during the shutdown was served: " + response);
			}
			catch (IOException ex) {
				refused = ex;
			}
			System.out.println("Graceful shutdown: new connection refused: " + refused);
			assertThat(inFlight).noneMatch(CompletableFuture::isDone);
			assertThat(stopped).isNotDone();

			slow.release.countDown();
			long released = System.nanoTime();
			int completed = 0;
			for (int i = 0; i < REQUESTS; i++) {
				Response response;
				try {
					response = inFlight.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					throw new AssertionError("Request " + i + " failed; servlets entered " + slow.entered + ", answered "
							+ slow.answered + ", failed " + slow.failures + "; " + connector.getStatistics() + "; "
							+ clients.get(i % CONNECTIONS).diagnostics(), ex);
				}
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.header("x-request")).isEqualTo(i + " over HTTP/3.0");
				assertThat(DeterministicBytes.sha256Hex(response.body()))
					.isEqualTo(DeterministicBytes.sha256Hex(BODY_SIZE));
				completed++;
			}
			long allAnswered = System.nanoTime();
			// Jetty 12.1.5 ends a connection that was sent GOAWAY once the client answers with its own GOAWAY, which
			// Netty never does: the stop then waits for the whole stop timeout and fails with a TimeoutException (the
			// server is stopped all the same). A client that answers lets it return as soon as the requests are done.
			String stopOutcome;
			try {
				stopped.get(STOP_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
				stopOutcome = "returned";
			}
			catch (ExecutionException ex) {
				assertThat(ex.getCause()).isInstanceOf(TimeoutException.class);
				stopOutcome = "failed with " + ex.getCause();
			}
			System.out.printf("Graceful shutdown: %d of %d requests in flight completed intact over %d connections "
					+ "%d ms after the release; stop %s %d ms after the release (stop timeout %d ms)%n", completed,
					REQUESTS, CONNECTIONS, TimeUnit.NANOSECONDS.toMillis(allAnswered - released), stopOutcome,
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released), STOP_TIMEOUT.toMillis());
			assertThat(jetty.isRunning()).isFalse();
			assertThat(connector.isStopped()).isTrue();
		}
		finally {
			slow.release.countDown();
			if (stopper != null) {
				stopper.join(TimeUnit.SECONDS.toMillis(STOP_TIMEOUT.toSeconds() + 5));
			}
			// Stopped: the extension's stop at the end of the class has nothing left to wait for.
			jetty.setStopTimeout(0);
			for (NettyHttp3Client client : clients) {
				try {
					client.close();
				}
				catch (IOException ex) {
					// The server closed the connection after its last response.
				}
			}
		}
	}

	private static boolean goAwayReceived(NettyHttp3Client client) {
		Http3ClientConnectionHandler handler = client.quicChannel().pipeline().get(Http3ClientConnectionHandler.class);
		return handler != null && handler.isGoAwayReceived();
	}

	private static boolean await(BooleanSupplier condition) throws InterruptedException {
		return Await.until(condition, WAIT);
	}

	/** Holds every request until released, then answers with a fixed body. */
	static final class SlowServlet extends HttpServlet {

		final AtomicInteger entered = new AtomicInteger();

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger answered = new AtomicInteger();

		final java.util.Queue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			this.entered.incrementAndGet();
			try {
				if (!this.release.await(60, TimeUnit.SECONDS)) {
					response.sendError(503, "never released");
					return;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException(ex);
			}
			response.setHeader("x-request", request.getParameter("id") + " over " + request.getProtocol());
			response.setContentType("application/octet-stream");
			response.setContentLength(BODY_SIZE);
			try (OutputStream out = response.getOutputStream()) {
				DeterministicBytes.stream(BODY_SIZE).transferTo(out);
			}
			catch (IOException | RuntimeException ex) {
				this.failures.add(ex);
				throw ex;
			}
			this.answered.incrementAndGet();
		}

	}

}
