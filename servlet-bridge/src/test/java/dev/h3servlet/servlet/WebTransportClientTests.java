package dev.h3servlet.servlet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.webtransport.WebTransportHandler;
import dev.h3servlet.connector.webtransport.WebTransportSession;
import dev.h3servlet.connector.webtransport.WebTransportStream;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.WebTransportClient;
import dev.h3servlet.testapp.DeterministicBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebTransport from a client that is not a browser and shares no code with the server (Netty's QUIC and HTTP/3
 * codecs, WebTransport's bytes written by the test support): a 1 MB echo over a bidirectional stream checked by
 * SHA-256, ten more sequential echoes, datagrams both ways, and the client's close with its code and reason.
 */
@Timeout(60)
class WebTransportClientTests {

	private static final Queue<String> serverSaw = new ConcurrentLinkedQueue<>();

	private static final CountDownLatch closed = new CountDownLatch(1);

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder
		.http3(Http3Settings.builder().webTransportEnabled(true).build())
		.webTransport("/echo", (request) -> {
			serverSaw.add(request.getMethod() + " " + request.getRequestURI() + " " + request.getProtocol());
			return new Echo();
		})
		.webTransport("/slow-open", (request) -> new SlowOpen())
		.webTransport("/non-blocking", (request) -> new NonBlockingEcho()));

	/** What the non-blocking endpoint saw. */
	private static final Queue<String> nonBlockingSaw = new ConcurrentLinkedQueue<>();

	/** What the endpoint whose onOpen takes its time saw, in order. */
	private static final Queue<String> slowOpenSaw = new ConcurrentLinkedQueue<>();

	@Test
	void echoesStreamsAndDatagramsAndSeesTheClientsClose() throws Exception {
		try (WebTransportClient client = WebTransportClient.open(
				new InetSocketAddress("127.0.0.1", server.http3Port()), server.certificate().certificate(), "/echo",
				Duration.ofSeconds(30))) {
			byte[] large = DeterministicBytes.stream(1024 * 1024 + 7).readAllBytes();
			byte[] echoed = client.exchange(large);
			assertThat(echoed).hasSize(large.length);
			assertThat(DeterministicBytes.sha256Hex(echoed)).isEqualTo(DeterministicBytes.sha256Hex(large));
			for (int i = 0; i < 10; i++) {
				assertThat(new String(client.exchange(("small " + i).getBytes()))).isEqualTo("small " + i);
			}
			int back = 0;
			for (int i = 0; i < 20; i++) {
				client.sendDatagram(("datagram " + i).getBytes());
				byte[] datagram = client.receiveDatagram(Duration.ofSeconds(2));
				if (datagram != null) {
					assertThat(new String(datagram)).startsWith("datagram ");
					back++;
				}
			}
			assertThat(back).as("datagrams echoed on loopback (unreliable: 2 of 20 may be lost)")
				.isGreaterThanOrEqualTo(18);
			// A datagram for no session (quarter stream id 1000): dropped, never seen by the handler; the session goes on.
			client.sendDatagram(1000, "stray".getBytes());
			assertThat(client.receiveDatagram(Duration.ofMillis(500))).isNull();
			client.sendDatagram("after the stray one".getBytes());
			byte[] after = client.receiveDatagram(Duration.ofSeconds(5));
			assertThat(after).isNotNull();
			assertThat(new String(after)).isEqualTo("after the stray one");
			client.closeSession(5, "bye");
		}
		assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(serverSaw).first().isEqualTo("CONNECT /echo HTTP/3.0");
		assertThat(serverSaw).doesNotContain("the stray datagram").contains("open", "close 5 bye")
			.filteredOn((event) -> event.startsWith("stream"))
			.hasSize(11);
	}

	@Test
	void aSlowOnOpenReturnsBeforeTheSessionsStreamsAndDatagramsReachTheHandler() throws Exception {
		try (WebTransportClient client = WebTransportClient.open(
				new InetSocketAddress("127.0.0.1", server.http3Port()), server.certificate().certificate(),
				"/slow-open", Duration.ofSeconds(30))) {
			// Sent while onOpen sleeps: both must wait for it to return.
			client.sendDatagram("early".getBytes());
			assertThat(new String(client.exchange("first".getBytes()))).isEqualTo("first");
		}
		assertThat(slowOpenSaw).first().isEqualTo("open returned");
		assertThat(slowOpenSaw).contains("stream first");
	}

	@Test
	void echoesWithoutBlockingThroughFutures() throws Exception {
		try (WebTransportClient client = WebTransportClient.open(
				new InetSocketAddress("127.0.0.1", server.http3Port()), server.certificate().certificate(),
				"/non-blocking", Duration.ofSeconds(30))) {
			byte[] large = DeterministicBytes.stream(3 * 1024 * 1024 + 11).readAllBytes();
			byte[] echoed = client.exchange(large);
			assertThat(DeterministicBytes.sha256Hex(echoed)).isEqualTo(DeterministicBytes.sha256Hex(large));
			for (int i = 0; i < 5; i++) {
				assertThat(new String(client.exchange(("small " + i).getBytes()))).isEqualTo("small " + i);
			}
			// Many short streams: the client's FIN arrives before or after the server's echo, in any order.
			for (int i = 0; i < 200; i++) {
				assertThat(client.exchange(new byte[32])).hasSize(32);
			}
			assertThat(client.exchange(new byte[0])).isEmpty();
		}
		assertThat(nonBlockingSaw).filteredOn((event) -> event.startsWith("ended")).hasSize(207);
		assertThat(nonBlockingSaw).first()
			.isEqualTo("ended " + (3 * 1024 * 1024 + 11) + " bytes, the InputStream refused");
		assertThat(nonBlockingSaw).noneMatch((event) -> event.startsWith("failed"));
	}

	/** Echoes streams and datagrams, recording what it saw. */
	static final class Echo implements WebTransportHandler {

		@Override
		public void onOpen(WebTransportSession session) {
			serverSaw.add("open");
		}

		@Override
		public void onStream(WebTransportSession session, WebTransportStream stream) throws IOException {
			serverSaw.add("stream " + stream.id());
			try (InputStream in = stream.getInputStream(); OutputStream out = stream.getOutputStream()) {
				in.transferTo(out);
			}
		}

		@Override
		public void onDatagram(WebTransportSession session, ByteBuffer datagram) {
			if (StandardCharsets.UTF_8.decode(datagram.duplicate()).toString().equals("stray")) {
				serverSaw.add("the stray datagram");
			}
			session.sendDatagram(datagram);
		}

		@Override
		public void onClose(WebTransportSession session, long code, String reason) {
			serverSaw.add("close " + code + " " + reason);
			closed.countDown();
		}

	}

	/**
	 * Echoes each stream with read(), write() and endOutput() alone, each read chained to the last write's completion
	 * (the client's flow control follows); onStream returns at once.
	 */
	static final class NonBlockingEcho implements WebTransportHandler {

		@Override
		public void onOpen(WebTransportSession session) {
		}

		@Override
		public void onStream(WebTransportSession session, WebTransportStream stream) {
			echo(stream, 0);
		}

		private static void echo(WebTransportStream stream, long count) {
			stream.read().thenCompose((bytes) -> {
				if (bytes == null) {
					nonBlockingSaw.add("ended " + count + " bytes, " + refused(stream));
					return stream.endOutput().thenApply((ended) -> -1);
				}
				int size = bytes.remaining();
				return stream.write(bytes).thenApply((written) -> size);
			}).whenComplete((size, failure) -> {
				if (failure != null) {
					nonBlockingSaw.add("failed " + failure);
					stream.close();
				}
				else if (size >= 0) {
					echo(stream, count + size);
				}
			});
		}

		private static String refused(WebTransportStream stream) {
			try {
				stream.getInputStream().read();
				return "the InputStream read";
			}
			catch (IllegalStateException ex) {
				return "the InputStream refused";
			}
			catch (IOException ex) {
				return "the InputStream failed: " + ex;
			}
		}

	}

	/** Takes its time in onOpen (the client's first stream and datagram arrive meanwhile), then echoes streams. */
	static final class SlowOpen implements WebTransportHandler {

		@Override
		public void onOpen(WebTransportSession session) throws InterruptedException {
			Thread.sleep(500);
			slowOpenSaw.add("open returned");
		}

		@Override
		public void onStream(WebTransportSession session, WebTransportStream stream) throws IOException {
			byte[] received = stream.getInputStream().readAllBytes();
			slowOpenSaw.add("stream " + new String(received, StandardCharsets.UTF_8));
			try (OutputStream out = stream.getOutputStream()) {
				out.write(received);
			}
		}

		@Override
		public void onDatagram(WebTransportSession session, ByteBuffer datagram) {
			slowOpenSaw.add("datagram " + StandardCharsets.UTF_8.decode(datagram));
		}

	}

}
