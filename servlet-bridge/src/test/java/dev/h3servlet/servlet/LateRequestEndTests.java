package dev.h3servlet.servlet;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.RawHttp3Client;
import dev.h3servlet.test.RawHttp3ClientExtension;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http3.api.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bodiless request whose end-of-stream comes after its field section: the bridge reads that end before the
 * response's first frame ({@link RequestEndBeforeResponse}), within a bound, and leaves requests with content alone.
 * A workaround for a bug of Jetty's QUIC layer, so on the jetty-quiche transport only; the netty transport answers at
 * once (it reads the request's end on its own, see {@code NettyHttpStream}).
 */
class LateRequestEndTests {

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension(
			(builder) -> builder.servlet("/hello", new HelloServlet())
				.servlet("/stream", new StreamingServlet())
				.http3(Http3Settings.builder().transport(Http3Transport.JETTY_QUICHE).build()));

	@RegisterExtension
	static final RawHttp3ClientExtension client = new RawHttp3ClientExtension();

	@Test
	void lastResponseWriteWaitsForTheRequestEnd() throws Exception {
		RawHttp3Client.Exchange exchange = send("GET");
		// The servlet's whole response is one last write here: it waits, and with it the field section.
		assertThat(exchange.head).failsWithin(Duration.ofMillis(300));
		exchange.endRequest();
		assertThat(exchange.head.get(30, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
		assertThat(exchange.body.get(30, TimeUnit.SECONDS)).isEqualTo("hello over HTTP/3.0");
	}

	@Test
	void firstResponseWriteWaitsForTheRequestEnd() throws Exception {
		RawHttp3Client.Exchange exchange = send("GET", "/stream");
		// The servlet flushes its field section before the rest: that first write waits. Once the response has
		// started, a client that stops reading it would leave the unread end to freeze the connection.
		assertThat(exchange.head).failsWithin(Duration.ofMillis(300));
		exchange.endRequest();
		assertThat(exchange.head.get(30, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
		assertThat(exchange.body.get(30, TimeUnit.SECONDS)).isEqualTo("streamed over HTTP/3.0");
	}

	@Test
	void aRequestEndThatNeverComesDelaysTheResponseEndOnlyWithinTheBound() throws Exception {
		long start = System.nanoTime();
		RawHttp3Client.Exchange exchange = send("GET");
		assertThat(exchange.body.get(30, TimeUnit.SECONDS)).isEqualTo("hello over HTTP/3.0");
		assertThat(Duration.ofNanos(System.nanoTime() - start))
			.isGreaterThanOrEqualTo(Duration.ofMillis(RequestEndBeforeResponse.MAX_WAIT_MILLIS));
	}

	@Test
	void requestsWithContentAreNotHeldBack() throws Exception {
		long start = System.nanoTime();
		RawHttp3Client.Exchange exchange = send("POST");
		assertThat(exchange.body.get(30, TimeUnit.SECONDS)).isEqualTo("hello over HTTP/3.0");
		assertThat(Duration.ofNanos(System.nanoTime() - start))
			.isLessThan(Duration.ofMillis(RequestEndBeforeResponse.MAX_WAIT_MILLIS));
	}

	private static RawHttp3Client.Exchange send(String method) throws Exception {
		return send(method, "/hello");
	}

	private static RawHttp3Client.Exchange send(String method, String path) throws Exception {
		Session.Client session = client.connect(server.http3Port(), new Session.Client.Listener() {
		});
		return RawHttp3Client.request(session, method, server.uri(path), false);
	}

	static class HelloServlet extends HttpServlet {

		@Override
		protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/plain");
			response.getWriter().print("hello over " + request.getProtocol());
		}

	}

	static class StreamingServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/plain");
			response.flushBuffer();
			response.getWriter().print("streamed over " + request.getProtocol());
		}

	}

}
