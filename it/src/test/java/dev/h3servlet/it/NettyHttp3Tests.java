package dev.h3servlet.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.testapp.DeterministicBytes;
import dev.h3servlet.test.NettyHttp3Client;
import dev.h3servlet.test.NettyHttp3Client.Request;
import dev.h3servlet.test.NettyHttp3Client.Response;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test app served through the servlet bridge, checked by an HTTP/3 stack that shares no code with Jetty: Netty's
 * QUIC and HTTP/3 codecs. Every test uses one QUIC connection shared by the class.
 */
@Tag(TestTransport.BOTH)
class NettyHttp3Tests {

	private static final int DOWNLOAD_SIZE = 1024 * 1024;

	private static final int UPLOAD_SIZE = 10 * 1024 * 1024;

	private static final int CONCURRENT_STREAMS = 20;

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder
		.servlet("/info/*", new InfoServlet())
		.servlet("/download", new DownloadServlet())
		.servlet("/upload", new UploadServlet())
		.servlet("/together", new TogetherServlet(CONCURRENT_STREAMS)));

	static NettyHttp3Client client;

	@BeforeAll
	static void connect() throws IOException {
		client = NettyHttp3Client.connect(new InetSocketAddress("127.0.0.1", server.http3Port()),
				server.certificate().certificate());
	}

	@AfterAll
	static void disconnect() throws IOException {
		if (client != null) {
			client.close();
		}
	}

	@Test
	void getIsServedOverHttp3() throws IOException {
		Response response = client.send(Request.get("/info/hello?a=1"));
		assertThat(client.applicationProtocol()).isEqualTo("h3");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("x-protocol")).isEqualTo("HTTP/3.0");
		assertThat(response.header("content-type")).startsWith("text/plain");
		assertThat(response.bodyAsString()).isEqualTo("hello over HTTP/3.0: /info/hello?a=1\n");
	}

	@Test
	void downloadsOneMegabyte() throws IOException {
		long start = System.nanoTime();
		Response response = client.send(Request.get("/download?size=" + DOWNLOAD_SIZE));
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		System.out.printf("netty h3: 1 MB download in %d ms%n", millis);
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("x-protocol")).isEqualTo("HTTP/3.0");
		assertThat(response.header("content-length")).isEqualTo(String.valueOf(DOWNLOAD_SIZE));
		byte[] body = response.body();
		assertThat(body).hasSize(DOWNLOAD_SIZE);
		assertThat(DeterministicBytes.sha256Hex(body)).isEqualTo(DeterministicBytes.sha256Hex(DOWNLOAD_SIZE));
	}

	@Test
	void uploadsTenMegabytes() throws IOException {
		String sha256 = DeterministicBytes.sha256Hex(UPLOAD_SIZE);
		Request request = Request.post("/upload", DeterministicBytes.stream(UPLOAD_SIZE), UPLOAD_SIZE)
			.header("x-expected-sha-256", sha256);
		long start = System.nanoTime();
		Response response = client.send(request);
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		System.out.printf("netty h3: 10 MB upload in %d ms (%.1f MB/s)%n", millis,
				UPLOAD_SIZE / 1048576.0 / Math.max(millis, 1) * 1000);
		assertThat(response.status()).as(response.bodyAsString()).isEqualTo(200);
		assertThat(response.header("x-sha-256")).isEqualTo(sha256);
		assertThat(response.header("x-length")).isEqualTo(String.valueOf(UPLOAD_SIZE));
		assertThat(response.header("x-protocol")).isEqualTo("HTTP/3.0");
	}

	@Test
	void uploadWithWrongDigestIsRejectedByTheApp() throws IOException {
		Request request = Request.post("/upload", DeterministicBytes.stream(1000), 1000)
			.header("x-expected-sha-256", DeterministicBytes.sha256Hex(999));
		Response response = client.send(request);
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.bodyAsString()).contains("got sha-256 " + DeterministicBytes.sha256Hex(1000));
	}

	@Test
	void twentyConcurrentStreamsShareOneConnection() throws Exception {
		List<CompletableFuture<Response>> futures = new ArrayList<>();
		for (int i = 0; i < CONCURRENT_STREAMS; i++) {
			futures.add(client.sendAsync(Request.get("/together?id=" + i)));
		}
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		Set<String> remotePorts = new TreeSet<>();
		for (int i = 0; i < CONCURRENT_STREAMS; i++) {
			Response response = futures.get(i).getNow(null);
			assertThat(response.status()).as(response.bodyAsString()).isEqualTo(200);
			assertThat(response.header("x-protocol")).isEqualTo("HTTP/3.0");
			assertThat(response.header("x-id")).isEqualTo(String.valueOf(i));
			assertThat(response.header("x-all-in-flight")).isEqualTo("true");
			remotePorts.add(response.header("x-remote-port"));
		}
		assertThat(remotePorts).containsExactly(String.valueOf(client.localAddress().getPort()));
	}

	/** Echoes the protocol and the request target. */
	static class InfoServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setHeader("x-protocol", request.getProtocol());
			response.setContentType("text/plain;charset=utf-8");
			String query = (request.getQueryString() != null) ? "?" + request.getQueryString() : "";
			response.getWriter().print("hello over " + request.getProtocol() + ": " + request.getRequestURI() + query
					+ "\n");
		}

	}

	/** Sends {@code size} bytes of {@link DeterministicBytes}. */
	static class DownloadServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			int size = Integer.parseInt(request.getParameter("size"));
			response.setHeader("x-protocol", request.getProtocol());
			response.setContentType("application/octet-stream");
			response.setContentLengthLong(size);
			try (InputStream content = DeterministicBytes.stream(size)) {
				content.transferTo(response.getOutputStream());
			}
		}

	}

	/** Reads the whole body; 200 with its digest and length if they match what the client announced, else 400. */
	static class UploadServlet extends HttpServlet {

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			String expectedSha256 = request.getHeader("x-expected-sha-256");
			long expectedLength = request.getContentLengthLong();
			MessageDigest digest = DeterministicBytes.sha256();
			long length;
			try (InputStream body = new DigestInputStream(request.getInputStream(), digest)) {
				length = body.transferTo(OutputStream.nullOutputStream());
			}
			String sha256 = HexFormat.of().formatHex(digest.digest());
			response.setHeader("x-protocol", request.getProtocol());
			response.setHeader("x-sha-256", sha256);
			response.setHeader("x-length", String.valueOf(length));
			response.setContentType("text/plain;charset=utf-8");
			if (sha256.equals(expectedSha256) && length == expectedLength) {
				response.getWriter().print("ok\n");
				return;
			}
			response.setStatus(400);
			response.getWriter()
				.printf("expected sha-256 %s and %d bytes, got sha-256 %s and %d bytes%n", expectedSha256,
						expectedLength, sha256, length);
		}

	}

	/**
	 * Holds each request until {@code parties} requests are in the servlet at the same time (bounded), so the test
	 * knows its streams really ran concurrently; echoes the protocol, the id and the client's UDP port.
	 */
	static class TogetherServlet extends HttpServlet {

		private final CountDownLatch arrived;

		TogetherServlet(int parties) {
			this.arrived = new CountDownLatch(parties);
		}

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			this.arrived.countDown();
			boolean allInFlight;
			try {
				allInFlight = this.arrived.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException(ex);
			}
			response.setHeader("x-protocol", request.getProtocol());
			response.setHeader("x-id", request.getParameter("id"));
			response.setHeader("x-remote-port", String.valueOf(request.getRemotePort()));
			response.setHeader("x-all-in-flight", String.valueOf(allInFlight));
			response.setContentType("text/plain;charset=utf-8");
			response.getWriter().print("waiting for " + this.arrived.getCount() + " more\n");
		}

	}

}
