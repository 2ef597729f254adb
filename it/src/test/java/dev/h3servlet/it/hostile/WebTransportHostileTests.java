package dev.h3servlet.it.hostile;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.webtransport.WebTransportHandler;
import dev.h3servlet.connector.webtransport.WebTransportSession;
import dev.h3servlet.connector.webtransport.WebTransportStream;
import dev.h3servlet.it.hostile.Http3Wire.FieldSection;
import dev.h3servlet.it.hostile.RawQuicConnection.RawStream;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.h3servlet.it.hostile.Http3Wire.concat;
import static dev.h3servlet.it.hostile.Http3Wire.varint;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebTransport inputs a server must refuse, from the raw QUIC client that writes every byte itself: each gets the
 * error its specification names, the application (the endpoint's handler, the servlets) never sees it, and the
 * connection goes on serving.
 */
@Timeout(60)
class WebTransportHostileTests {

	private static final long H3_MESSAGE_ERROR = 0x10e;

	private static final long BUFFERED_STREAM_REJECTED = 0x3994bd84L;

	/** What reached the application: the endpoint's factory and handler, and the other servlet. */
	private static final Queue<String> applicationSaw = new ConcurrentLinkedQueue<>();

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder
		.http3(Http3Settings.builder()
			.webTransportEnabled(true)
			.webTransportMaxSessions(1)
			.webTransportMaxStreamsPerSession(2)
			.build())
		.webTransport("/wt", (request) -> {
			applicationSaw.add("connect " + request.getMethod());
			return new RecordingEndpoint();
		})
		.webTransport("/drain", (request) -> new DrainingEndpoint())
		.webTransport("/hold", (request) -> {
			applicationSaw.add("connect " + request.getMethod());
			return new HoldingEndpoint();
		})
		.servlet("/*", new RecordingServlet()));

	@RegisterExtension
	static final Http3ServerExtension withoutWebTransport = new Http3ServerExtension((builder) -> builder
		.webTransport("/wt", (request) -> {
			applicationSaw.add("connect without WebTransport " + request.getMethod());
			return new RecordingEndpoint();
		})
		.servlet("/*", new RecordingServlet()));

	@BeforeEach
	void clear() {
		applicationSaw.clear();
	}

	@Test
	void anExtendedConnectWithoutTheSettingIsMalformed() throws Exception {
		try (RawQuicConnection connection = connect(withoutWebTransport)) {
			RawStream connect = connection.openRequestStream();
			connect.write(webTransportConnect(withoutWebTransport, "/wt", "webtransport"));
			assertThat(connect.reset.get(10, TimeUnit.SECONDS)).as("RFC 9220 3, RFC 9114 4.1.2")
				.isEqualTo(H3_MESSAGE_ERROR);
			assertStillServes(connection, withoutWebTransport);
		}
		assertThat(applicationSaw).containsExactly("GET /after HTTP/3.0");
	}

	@Test
	void anExtendedConnectForAnotherProtocolIsNotImplemented() throws Exception {
		try (RawQuicConnection connection = connect(server)) {
			RawStream connect = connection.openRequestStream();
			connect.writeAndFin(webTransportConnect(server, "/wt", "websocket"));
			Outcome outcome = HostileHttp3Tests.Context.response(connect.ended.get(10, TimeUnit.SECONDS));
			assertThat(outcome.isResponse(501)).as(outcome.toString()).isTrue();
			assertStillServes(connection, server);
		}
		assertThat(applicationSaw).containsExactly("GET /after HTTP/3.0");
	}

	@Test
	void aStreamForNoSessionIsRejected() throws Exception {
		try (RawQuicConnection connection = connect(server)) {
			RawStream stream = connection.openRequestStream();
			stream.write(concat(varint(0x41), varint(400), "bytes".getBytes()));
			assertThat(stream.reset.get(10, TimeUnit.SECONDS)).isEqualTo(BUFFERED_STREAM_REJECTED);
			connection.openUnidirectional(0x54, concat(varint(400), "bytes".getBytes()));
			assertStillServes(connection, server);
		}
		assertThat(applicationSaw).containsExactly("GET /after HTTP/3.0");
	}

	@Test
	void aStreamForASessionTheClientEndedIsRejected() throws Exception {
		try (RawQuicConnection connection = connect(server)) {
			RawStream connect = openSession(connection, "/wt");
			connect.fin();
			assertThat(connect.ended.get(10, TimeUnit.SECONDS)).as("the server ends its side too").isNotNull();
			awaitApplication("close 0 ");
			RawStream late = connection.openRequestStream();
			late.write(concat(varint(0x41), varint(connect.id()), "late".getBytes()));
			assertThat(late.reset.get(10, TimeUnit.SECONDS)).isEqualTo(BUFFERED_STREAM_REJECTED);
			assertStillServes(connection, server);
		}
		assertThat(applicationSaw).containsExactly("connect CONNECT", "open /wt", "close 0 ", "GET /after HTTP/3.0");
	}

	@Test
	void aSessionBeyondTheConnectionsLimitGets429() throws Exception {
		try (RawQuicConnection connection = connect(server)) {
			RawStream first = openSession(connection, "/wt");
			awaitApplication("open /wt");
			RawStream second = connection.openRequestStream();
			second.writeAndFin(webTransportConnect(server, "/wt", "webtransport"));
			Outcome refused = HostileHttp3Tests.Context.response(second.ended.get(10, TimeUnit.SECONDS));
			assertThat(refused.isResponse(429)).as(refused.toString()).isTrue();
			first.fin();
			awaitApplication("close 0 ");
			assertStillServes(connection, server);
		}
		assertThat(applicationSaw).containsExactly("connect CONNECT", "open /wt", "close 0 ", "GET /after HTTP/3.0");
	}

	@Test
	void aStreamBeyondTheSessionsLimitIsRejected() throws Exception {
		try (RawQuicConnection connection = connect(server)) {
			RawStream connect = openSession(connection, "/hold");
			for (int i = 1; i <= 2; i++) {
				connection.openRequestStream().write(concat(varint(0x41), varint(connect.id()), "held".getBytes()));
				awaitApplication("held stream " + i);
			}
			RawStream third = connection.openRequestStream();
			third.write(concat(varint(0x41), varint(connect.id()), "third".getBytes()));
			assertThat(third.reset.get(10, TimeUnit.SECONDS)).as("H3_REQUEST_REJECTED").isEqualTo(0x10bL);
			connect.fin();
			awaitApplication("close 0 ");
			assertStillServes(connection, server);
		}
		assertThat(applicationSaw).containsExactly("connect CONNECT", "open /hold", "held stream 1", "held stream 2",
				"close 0 ", "GET /after HTTP/3.0");
	}

	@Test
	void theClientsCloseCapsuleEndsTheSessionAndTheServersSide() throws Exception {
		try (RawQuicConnection connection = connect(server)) {
			RawStream connect = openSession(connection, "/wt");
			// CLOSE_WEBTRANSPORT_SESSION (0x2843): code 9, reason "bye", in a DATA frame; no FIN from the client.
			connect.write(Http3Wire.data(concat(varint(0x2843), varint(7), new byte[] { 0, 0, 0, 9 }, "bye".getBytes())));
			assertThat(connect.ended.get(10, TimeUnit.SECONDS)).as("the server ends its side").isNotNull();
			awaitApplication("close 9 bye");
			assertStillServes(connection, server);
		}
		assertThat(applicationSaw).containsExactly("connect CONNECT", "open /wt", "close 9 bye", "GET /after HTTP/3.0");
	}

	@Test
	void aSessionTheServerDrainsGetsTheDrainCapsule() throws Exception {
		try (RawQuicConnection connection = connect(server)) {
			RawStream connect = connection.openRequestStream();
			connect.write(webTransportConnect(server, "/drain", "webtransport"));
			// DRAIN_WEBTRANSPORT_SESSION: type 0x78ae (a 4-byte varint), length 0, in a DATA frame after the 200.
			byte[] drain = concat(varint(0x78ae), varint(0));
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			boolean drained = false;
			while (!drained && System.nanoTime() < deadline) {
				drained = Http3Wire.frames(connect.bytes(), 0)
					.stream()
					.anyMatch((frame) -> frame.type() == Http3Wire.DATA && Arrays.equals(frame.payload(), drain));
				Thread.sleep(10);
			}
			assertThat(HostileHttp3Tests.Context.response(connect.bytes()).isResponse(200)).isTrue();
			assertThat(drained).as("a DRAIN capsule on the CONNECT stream").isTrue();
			assertStillServes(connection, server);
		}
	}

	/** Sends a WebTransport CONNECT to the endpoint and checks that it is answered 200, the session open. */
	private static RawStream openSession(RawQuicConnection connection, String path) throws Exception {
		RawStream connect = connection.openRequestStream();
		connect.write(webTransportConnect(server, path, "webtransport"));
		awaitBytes(connect);
		Outcome accepted = HostileHttp3Tests.Context.response(connect.bytes());
		assertThat(accepted.isResponse(200)).as(accepted.toString()).isTrue();
		return connect;
	}

	private static RawQuicConnection connect(Http3ServerExtension target) throws Exception {
		RawQuicConnection connection = RawQuicConnection.connect(new InetSocketAddress("127.0.0.1", target.http3Port()),
				target.certificate().certificate(), Duration.ofSeconds(10));
		connection.openControlStream();
		return connection;
	}

	private static byte[] webTransportConnect(Http3ServerExtension target, String path, String protocol) {
		return FieldSection.request("CONNECT", "127.0.0.1:" + target.http3Port(), path)
			.add(":protocol", protocol)
			.add("origin", "https://127.0.0.1")
			.frame();
	}

	/** A GET on a new stream of the same connection is served, over HTTP/3. */
	private static void assertStillServes(RawQuicConnection connection, Http3ServerExtension target) throws Exception {
		RawStream get = connection.openRequestStream();
		get.writeAndFin(FieldSection.request("GET", "127.0.0.1:" + target.http3Port(), "/after").frame());
		Outcome outcome = HostileHttp3Tests.Context.response(get.ended.get(10, TimeUnit.SECONDS));
		assertThat(outcome.isResponse(200)).as(outcome.toString()).isTrue();
	}

	private static void awaitBytes(RawStream stream) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (stream.bytes().length == 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
	}

	private static void awaitApplication(String event) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!applicationSaw.contains(event) && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
	}

	static final class RecordingEndpoint implements WebTransportHandler {

		@Override
		public void onOpen(WebTransportSession session) {
			applicationSaw.add("open " + session.path());
		}

		@Override
		public void onStream(WebTransportSession session, WebTransportStream stream) {
			applicationSaw.add("stream " + stream.id());
			stream.close();
		}

		@Override
		public void onClose(WebTransportSession session, long code, String reason) {
			applicationSaw.add("close " + code + " " + reason);
		}

	}

	/** Asks the client to end the session as soon as it is open. */
	static final class DrainingEndpoint implements WebTransportHandler {

		@Override
		public void onOpen(WebTransportSession session) {
			session.drain();
		}

	}

	/** Keeps every stream open (until the session ends), counting them. */
	static final class HoldingEndpoint implements WebTransportHandler {

		private final AtomicInteger streams = new AtomicInteger();

		@Override
		public void onOpen(WebTransportSession session) {
			applicationSaw.add("open " + session.path());
		}

		@Override
		public void onStream(WebTransportSession session, WebTransportStream stream) {
			applicationSaw.add("held stream " + this.streams.incrementAndGet());
		}

		@Override
		public void onClose(WebTransportSession session, long code, String reason) {
			applicationSaw.add("close " + code + " " + reason);
		}

	}

	static final class RecordingServlet extends HttpServlet {

		@Override
		protected void service(HttpServletRequest request, HttpServletResponse response) {
			applicationSaw.add(request.getMethod() + " " + request.getRequestURI() + " " + request.getProtocol());
			response.setStatus(200);
		}

	}

}
