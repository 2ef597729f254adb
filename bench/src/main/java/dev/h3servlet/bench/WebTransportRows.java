package dev.h3servlet.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.webtransport.WebTransportHandler;
import dev.h3servlet.connector.webtransport.WebTransportSession;
import dev.h3servlet.connector.webtransport.WebTransportStream;
import dev.h3servlet.servlet.Http3ServletServer;
import dev.h3servlet.test.TestCertificate;
import dev.h3servlet.test.WebTransportClient;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * WebTransport beside WebSocket over HTTP/1.1 on one app ({@code Http3ServletServer}, the netty transport): round
 * trips per second of small messages (a WebTransport datagram, a new WebTransport stream each, a WebSocket binary
 * message) and echo throughput of one large transfer (a WebTransport bidirectional stream, WebSocket binary messages
 * of 64 KiB). One client at a time, in this JVM: Netty's QUIC client with h3servlet's {@link WebTransportClient}, and
 * the JDK's WebSocket client. {@code java -jar h3servlet-bench.jar --webtransport [seconds]}.
 */
public final class WebTransportRows {

	private static final int SMALL = 32;

	private static final int LARGE = 32 * 1024 * 1024;

	private static final int WEBSOCKET_MESSAGE = 64 * 1024;

	private WebTransportRows() {
	}

	static void run(String[] args) throws Exception {
		long seconds = (args.length > 1) ? Long.parseLong(args[1]) : 3;
		Path directory = Files.createTempDirectory("h3servlet-bench-webtransport-");
		TestCertificate certificate = TestCertificate.create(directory);
		Server server = Http3ServletServer.builder()
			.keyStore(certificate.keyStore(), certificate.password())
			.host("127.0.0.1")
			.port(0)
			.http3(Http3Settings.builder().webTransportEnabled(true).build())
			.webTransport("/echo", (request) -> new Echo())
			.webTransport("/echo-futures", (request) -> new FuturesEcho())
			.server((jetty) -> {
				ServletContextHandler context = jetty.getDescendant(ServletContextHandler.class);
				context.insertHandler(WebSocketUpgradeHandler.from(jetty, context,
						(container) -> container.addMapping("/ws", (request, response, callback) -> new WebSocketEcho())));
			})
			.start();
		int port = Http3ServletServer.tlsConnector(server).getLocalPort();
		try (WebTransportClient webTransport = WebTransportClient.open(new InetSocketAddress("127.0.0.1", port),
				certificate.certificate(), "/echo", Duration.ofSeconds(30))) {
			WebSocketClient webSocket = WebSocketClient.open(URI.create("wss://127.0.0.1:" + port + "/ws"),
					sslContext(certificate));
			try {
				// Warm-up: each path once, briefly.
				datagramRoundTrips(webTransport, 1);
				streamRoundTrips(webTransport, 1);
				webSocket.roundTrips(1);
				System.out.printf("WebTransport and WebSocket on one app (%d s per row, one client, loopback)%n",
						seconds);
				double datagrams = datagramRoundTrips(webTransport, seconds);
				double streams = streamRoundTrips(webTransport, seconds);
				double messages = webSocket.roundTrips(seconds);
				System.out.printf("round trips/s, %d bytes: WebTransport datagram %.0f, WebTransport new stream %.0f, "
						+ "WebSocket message %.0f; datagram / WebSocket %.2f%n", SMALL, datagrams, streams, messages,
						datagrams / messages);
				double streamMb = streamThroughput(webTransport);
				double webSocketMb = webSocket.throughput();
				System.out.printf("echo throughput, %d MiB: WebTransport stream %.1f MB/s, WebSocket %.1f MB/s; "
						+ "WebTransport / WebSocket %.2f%n", LARGE >> 20, streamMb, webSocketMb, streamMb / webSocketMb);
			}
			finally {
				webSocket.close();
			}
		}
		try (WebTransportClient futures = WebTransportClient.open(new InetSocketAddress("127.0.0.1", port),
				certificate.certificate(), "/echo-futures", Duration.ofSeconds(30))) {
			streamRoundTrips(futures, 1);
			double streams = streamRoundTrips(futures, seconds);
			double megabytes = streamThroughput(futures);
			System.out.printf("WebTransport echo without blocking (read/write futures): new stream %.0f round "
					+ "trips/s, echo of %d MiB %.1f MB/s%n", streams, LARGE >> 20, megabytes);
		}
		finally {
			server.stop();
		}
	}

	private static double datagramRoundTrips(WebTransportClient client, long seconds) throws Exception {
		byte[] payload = new byte[SMALL];
		long count = 0;
		long lost = 0;
		long start = System.nanoTime();
		long end = start + TimeUnit.SECONDS.toNanos(seconds);
		while (System.nanoTime() < end) {
			client.sendDatagram(payload);
			if (client.receiveDatagram(Duration.ofMillis(200)) != null) {
				count++;
			}
			else {
				lost++;
			}
		}
		if (lost > 0) {
			System.out.printf("  (%d datagrams not echoed within 200 ms)%n", lost);
		}
		return count / ((System.nanoTime() - start) / 1e9);
	}

	private static double streamRoundTrips(WebTransportClient client, long seconds) throws Exception {
		byte[] payload = new byte[SMALL];
		long count = 0;
		long start = System.nanoTime();
		long end = start + TimeUnit.SECONDS.toNanos(seconds);
		while (System.nanoTime() < end) {
			client.exchange(payload);
			count++;
		}
		return count / ((System.nanoTime() - start) / 1e9);
	}

	private static double streamThroughput(WebTransportClient client) throws Exception {
		byte[] payload = new byte[LARGE];
		Arrays.fill(payload, (byte) 7);
		long start = System.nanoTime();
		byte[] echoed = client.exchange(payload);
		double megabytesPerSecond = LARGE / 1e6 / ((System.nanoTime() - start) / 1e9);
		if (echoed.length != LARGE) {
			throw new IllegalStateException("The WebTransport echo brought " + echoed.length + " bytes of " + LARGE);
		}
		return megabytesPerSecond;
	}

	private static SSLContext sslContext(TestCertificate certificate) throws Exception {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		trust.setCertificateEntry("server", certificate.certificate());
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trust);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trustManagers.getTrustManagers(), null);
		return context;
	}

	/** Echoes each WebTransport stream (blocking, on the server's threads) and each datagram. */
	static final class Echo implements WebTransportHandler {

		@Override
		public void onOpen(WebTransportSession session) {
		}

		@Override
		public void onStream(WebTransportSession session, WebTransportStream stream) throws IOException {
			byte[] buffer = new byte[64 * 1024];
			try (InputStream in = stream.getInputStream(); OutputStream out = stream.getOutputStream()) {
				for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
					out.write(buffer, 0, read);
				}
			}
		}

		@Override
		public void onDatagram(WebTransportSession session, ByteBuffer datagram) {
			session.sendDatagram(datagram);
		}

	}

	/** Echoes each WebTransport stream through the non-blocking API: each read chained to the last write's end. */
	static final class FuturesEcho implements WebTransportHandler {

		@Override
		public void onOpen(WebTransportSession session) {
		}

		@Override
		public void onStream(WebTransportSession session, WebTransportStream stream) {
			echo(stream);
		}

		private static void echo(WebTransportStream stream) {
			stream.read()
				.thenCompose((bytes) -> (bytes == null) ? stream.endOutput().thenApply((ended) -> false)
						: stream.write(bytes).thenApply((written) -> true))
				.whenComplete((more, failure) -> {
					if (failure != null) {
						stream.close();
					}
					else if (more) {
						echo(stream);
					}
				});
		}

	}

	/** Jetty's WebSocket endpoint: echoes each binary message. */
	public static final class WebSocketEcho implements Session.Listener.AutoDemanding {

		private Session session;

		@Override
		public void onWebSocketOpen(Session session) {
			this.session = session;
		}

		@Override
		public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
			this.session.sendBinary(payload, callback);
		}

	}

	/** The JDK's WebSocket client (HTTP/1.1 over TLS): one message at a time, or a stream of them. */
	static final class WebSocketClient implements WebSocket.Listener {

		private final AtomicLong received = new AtomicLong();

		private final AtomicReference<CompletableFuture<Long>> waiting = new AtomicReference<>();

		private volatile long expected;

		private WebSocket webSocket;

		static WebSocketClient open(URI uri, SSLContext sslContext) {
			WebSocketClient client = new WebSocketClient();
			HttpClient http = HttpClient.newBuilder().sslContext(sslContext).build();
			client.webSocket = http.newWebSocketBuilder().buildAsync(uri, client).join();
			return client;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			long total = this.received.addAndGet(data.remaining());
			CompletableFuture<Long> future = this.waiting.get();
			if (future != null && total >= this.expected) {
				future.complete(total);
			}
			webSocket.request(1);
			return null;
		}

		/** Sends {@code bytes} in messages of at most {@code size} and waits until as many bytes came back. */
		private void echo(long bytes, int size) {
			CompletableFuture<Long> done = new CompletableFuture<>();
			this.expected = this.received.get() + bytes;
			this.waiting.set(done);
			ByteBuffer message = ByteBuffer.allocate(size);
			for (long sent = 0; sent < bytes; sent += size) {
				this.webSocket.sendBinary(message.clear().limit((int) Math.min(size, bytes - sent)), true).join();
			}
			done.orTimeout(60, TimeUnit.SECONDS).join();
		}

		double roundTrips(long seconds) {
			long count = 0;
			long start = System.nanoTime();
			long end = start + TimeUnit.SECONDS.toNanos(seconds);
			while (System.nanoTime() < end) {
				echo(SMALL, SMALL);
				count++;
			}
			return count / ((System.nanoTime() - start) / 1e9);
		}

		double throughput() {
			long start = System.nanoTime();
			echo(LARGE, WEBSOCKET_MESSAGE);
			return LARGE / 1e6 / ((System.nanoTime() - start) / 1e9);
		}

		void close() {
			this.webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(10, TimeUnit.SECONDS).join();
		}

	}

}
