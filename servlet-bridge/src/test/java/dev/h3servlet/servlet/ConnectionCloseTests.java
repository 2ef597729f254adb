package dev.h3servlet.servlet;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.Await;
import dev.h3servlet.test.JettyClientsExtension;
import dev.h3servlet.test.RawHttp3Client;
import dev.h3servlet.test.RawHttp3ClientExtension;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http3.HTTP3ErrorCode;
import org.eclipse.jetty.http3.api.Session;
import org.eclipse.jetty.http3.frames.GoAwayFrame;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Connection: close} set by a servlet over HTTP/3: the response completes, then the connection closes
 * gracefully (GOAWAY), never with a stream error. Without it, the connection stays open.
 */
@Tag(TestTransport.BOTH)
class ConnectionCloseTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension(
			(builder) -> builder.servlet("/conn/*", new ConnectionServlet()));

	@RegisterExtension
	static final RawHttp3ClientExtension raw = new RawHttp3ClientExtension();

	@Test
	void responseCompletesThenTheServerSendsGoAwayAndClosesWithoutError() throws Exception {
		List<GoAwayFrame> goAways = new CopyOnWriteArrayList<>();
		CompletableFuture<Long> disconnected = new CompletableFuture<>();
		Session.Client session = raw.connect(server.http3Port(), new Session.Client.Listener() {

			@Override
			public void onGoAway(Session session, GoAwayFrame frame) {
				goAways.add(frame);
			}

			@Override
			public void onDisconnect(Session session, long error, String reason) {
				disconnected.complete(error);
			}

		});
		RawHttp3Client.Exchange exchange = RawHttp3Client.request(session, "GET", server.uri("/conn/close"), true);
		MetaData.Response response = exchange.head.get(30, TimeUnit.SECONDS);
		assertThat(response.getHttpVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getHttpFields().contains("Connection")).isFalse();
		assertThat(exchange.body.get(30, TimeUnit.SECONDS)).isEqualTo("protocol=HTTP/3.0 closing");
		assertThat(disconnected.get(30, TimeUnit.SECONDS)).isEqualTo(HTTP3ErrorCode.NO_ERROR.code());
		assertThat(goAways).isNotEmpty();
		assertThat(goAways.get(0).isGraceful()).isTrue();
		assertThat(exchange.failure).isNotDone();
	}

	@Test
	void nextRequestGoesOverANewConnection() throws Exception {
		ContentResponse first = get("/conn/close");
		assertThat(first.getContentAsString()).isEqualTo("protocol=HTTP/3.0 closing");
		String firstConnection = first.getHeaders().get("X-Connection-Id");
		// Jetty's HTTP/3 client ignores a graceful GOAWAY; it drops the connection at the server's final one.
		awaitCondition(() -> clients.http3().getDestinations().stream().map(Destination::getConnectionPool).allMatch(
				(pool) -> pool.isEmpty()));
		ContentResponse second = get("/conn/keep");
		assertThat(second.getHeaders().get("X-Connection-Id")).isNotNull().isNotEqualTo(firstConnection);
	}

	@Test
	void withoutConnectionCloseTheConnectionIsReused() throws Exception {
		ContentResponse first = get("/conn/keep");
		ContentResponse second = get("/conn/keep");
		assertThat(first.getContentAsString()).isEqualTo("protocol=HTTP/3.0 keeping");
		assertThat(second.getHeaders().get("X-Connection-Id")).isEqualTo(first.getHeaders().get("X-Connection-Id"));
	}

	private static ContentResponse get(String path) throws Exception {
		ContentResponse response = clients.http3().newRequest(server.uri(path)).timeout(30, TimeUnit.SECONDS).send();
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getStatus()).isEqualTo(200);
		return response;
	}

	/** Waits up to 30 s for the condition, checking every 10 ms. */
	private static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
		assertThat(Await.until(condition, Duration.ofSeconds(30))).as("condition not met within 30 s").isTrue();
	}

	static class ConnectionServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			boolean close = request.getPathInfo().equals("/close");
			if (close) {
				response.setHeader("Connection", "close");
			}
			response.setHeader("X-Connection-Id", (String) request.getAttribute("jakarta.servlet.request.ssl_session_id"));
			response.setContentType("text/plain");
			response.getWriter().print("protocol=" + request.getProtocol() + (close ? " closing" : " keeping"));
		}

	}

}
