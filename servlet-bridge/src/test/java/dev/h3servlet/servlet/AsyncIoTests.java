package dev.h3servlet.servlet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.connector.testing.JettyClients;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Async servlets with non-blocking I/O over HTTP/3: a {@link ReadListener} reads a body sent without
 * Content-Length, a {@link WriteListener} writes a 2 MB response.
 */
@Tag(TestTransport.BOTH)
class AsyncIoTests {

	private static final int RESPONSE_SIZE = 2 * 1024 * 1024;

	private static final long SEED = 20251125L;

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> {
		ServletHolder holder = new ServletHolder(new NonBlockingServlet());
		holder.setAsyncSupported(true);
		builder.servlet("/nio/*", holder);
	});

	static HttpClient h3;

	@BeforeAll
	static void startClients() throws Exception {
		h3 = JettyClients.http3();
	}

	@AfterAll
	static void stopClients() throws Exception {
		h3.stop();
	}

	@Test
	void readListenerReadsABodyWithoutContentLength() throws Exception {
		byte[] body = randomBytes(300 * 1024 + 17, 1);
		ContentResponse response = h3.POST(server.uri("/nio/read"))
			.body(new InputStreamRequestContent(new ByteArrayInputStream(body)))
			.timeout(30, TimeUnit.SECONDS)
			.send();
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentAsString()).isEqualTo("protocol=HTTP/3.0 contentLength=-1 read="
				+ body.length + " sha256=" + sha256(body));
	}

	@Test
	void writeListenerWritesALargeResponse() throws Exception {
		ContentResponse response = h3.newRequest(server.uri("/nio/write"))
			.timeout(30, TimeUnit.SECONDS)
			.send();
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getHeaders().get("X-Protocol")).isEqualTo("HTTP/3.0");
		byte[] content = response.getContent();
		assertThat(content).hasSize(RESPONSE_SIZE);
		assertThat(sha256(content)).isEqualTo(sha256(randomBytes(RESPONSE_SIZE, SEED)));
	}

	static byte[] randomBytes(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static class NonBlockingServlet extends HttpServlet {

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			AsyncContext async = request.startAsync();
			ServletInputStream in = request.getInputStream();
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			in.setReadListener(new ReadListener() {

				private final byte[] buffer = new byte[8192];

				@Override
				public void onDataAvailable() throws IOException {
					while (in.isReady()) {
						int read = in.read(this.buffer);
						if (read == -1) {
							return;
						}
						received.write(this.buffer, 0, read);
					}
				}

				@Override
				public void onAllDataRead() throws IOException {
					byte[] body = received.toByteArray();
					response.setContentType("text/plain");
					response.getWriter()
						.print("protocol=" + request.getProtocol() + " contentLength=" + request.getContentLengthLong()
								+ " read=" + body.length + " sha256=" + sha256(body));
					async.complete();
				}

				@Override
				public void onError(Throwable failure) {
					async.complete();
				}

			});
		}

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			byte[] content = randomBytes(RESPONSE_SIZE, SEED);
			response.setContentType("application/octet-stream");
			response.setHeader("X-Protocol", request.getProtocol());
			AsyncContext async = request.startAsync();
			ServletOutputStream out = response.getOutputStream();
			out.setWriteListener(new WriteListener() {

				private int written;

				@Override
				public void onWritePossible() throws IOException {
					while (out.isReady()) {
						if (this.written == content.length) {
							async.complete();
							return;
						}
						int length = Math.min(16 * 1024, content.length - this.written);
						out.write(content, this.written, length);
						this.written += length;
					}
				}

				@Override
				public void onError(Throwable failure) {
					async.complete();
				}

			});
		}

	}

}
