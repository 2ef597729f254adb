package dev.h3servlet.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.servlet.testing.Http3ServerExtension;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http3.api.Session;
import org.eclipse.jetty.http3.api.Stream;
import org.eclipse.jetty.http3.frames.DataFrame;
import org.eclipse.jetty.http3.frames.HeadersFrame;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Promise;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bodiless request whose end-of-stream comes after its field section: the bridge reads that end before the
 * response's last frame ({@link RequestEndBeforeResponseEnd}), within a bound, and leaves requests with content alone.
 */
class LateRequestEndTests {

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension(
			(builder) -> builder.servlet("/hello", new HelloServlet()));

	static RawHttp3Client client;

	@BeforeAll
	static void startClient() throws Exception {
		client = RawHttp3Client.start();
	}

	@AfterAll
	static void stopClient() throws Exception {
		client.close();
	}

	@Test
	void lastResponseWriteWaitsForTheRequestEnd() throws Exception {
		Exchange exchange = send("GET");
		// The servlet's whole response is one last write here: it waits, and with it the field section.
		assertThat(exchange.status).failsWithin(Duration.ofMillis(300));
		exchange.endRequest();
		assertThat(exchange.status.get(30, TimeUnit.SECONDS)).isEqualTo(200);
		assertThat(exchange.body.get(30, TimeUnit.SECONDS)).isEqualTo("hello over HTTP/3.0");
	}

	@Test
	void aRequestEndThatNeverComesDelaysTheResponseEndOnlyWithinTheBound() throws Exception {
		long start = System.nanoTime();
		Exchange exchange = send("GET");
		assertThat(exchange.body.get(30, TimeUnit.SECONDS)).isEqualTo("hello over HTTP/3.0");
		assertThat(Duration.ofNanos(System.nanoTime() - start))
			.isGreaterThanOrEqualTo(Duration.ofMillis(RequestEndBeforeResponseEnd.MAX_WAIT_MILLIS));
	}

	@Test
	void requestsWithContentAreNotHeldBack() throws Exception {
		long start = System.nanoTime();
		Exchange exchange = send("POST");
		assertThat(exchange.body.get(30, TimeUnit.SECONDS)).isEqualTo("hello over HTTP/3.0");
		assertThat(Duration.ofNanos(System.nanoTime() - start))
			.isLessThan(Duration.ofMillis(RequestEndBeforeResponseEnd.MAX_WAIT_MILLIS));
	}

	private static Exchange send(String method) throws Exception {
		Session.Client session = client.connect(server.http3Port(), new Session.Client.Listener() {
		});
		MetaData.Request request = new MetaData.Request(method, HttpURI.from(server.uri("/hello")),
				HttpVersion.HTTP_3, HttpFields.EMPTY, -1);
		Exchange exchange = new Exchange();
		CompletableFuture<Stream> stream = new CompletableFuture<>();
		session.newRequest(new HeadersFrame(request, false), exchange, Promise.Invocable.toPromise(stream));
		exchange.stream = stream.get(30, TimeUnit.SECONDS);
		return exchange;
	}

	/** One request stream: the status when the response's field section comes, the body when its end comes. */
	static final class Exchange implements Stream.Client.Listener {

		final CompletableFuture<Integer> status = new CompletableFuture<>();

		final CompletableFuture<String> body = new CompletableFuture<>();

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		volatile Stream stream;

		@Override
		public void onResponse(Stream.Client stream, HeadersFrame frame) {
			this.status.complete(((MetaData.Response) frame.getMetaData()).getStatus());
			stream.demand();
		}

		@Override
		public void onDataAvailable(Stream.Client stream) {
			Content.Chunk chunk = stream.read();
			if (chunk == null) {
				stream.demand();
				return;
			}
			try {
				this.bytes.write(BufferUtil.toArray(chunk.getByteBuffer()));
			}
			catch (IOException ex) {
				this.body.completeExceptionally(ex);
			}
			boolean last = chunk.isLast();
			chunk.release();
			if (last) {
				this.body.complete(this.bytes.toString(StandardCharsets.UTF_8));
			}
			else {
				stream.demand();
			}
		}

		@Override
		public void onFailure(Stream.Client stream, long error, Throwable failure) {
			this.body.completeExceptionally(failure);
		}

		void endRequest() throws Exception {
			CompletableFuture<Stream> sent = new CompletableFuture<>();
			this.stream.data(new DataFrame(ByteBuffer.allocate(0), true), Promise.Invocable.toPromise(sent));
			sent.get(30, TimeUnit.SECONDS);
		}

	}

	static class HelloServlet extends HttpServlet {

		@Override
		protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/plain");
			response.getWriter().print("hello over " + request.getProtocol());
		}

	}

}
