package dev.h3servlet.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.h3servlet.bench.Load.Protocol;
import dev.h3servlet.connector.testing.NettyHttp3Client;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicException;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamLimitChangedEvent;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;

/**
 * Mixed HTTP/1.1, HTTP/2 and HTTP/3 load on the Spring Boot demo app, for {@link SoakMixed} and {@link Overload}: GETs
 * of {@code /api/info} (JSON naming the protocol Spring MVC saw) and {@code /h3servlet.css} (a static resource)
 * alternately, over Jetty's {@link HttpClient} for h1 ({@value #H1_CONNECTIONS} connections) and h2
 * ({@value #CONNECTIONS} clients of one connection each) and Netty's HTTP/3 client for h3 ({@value #CONNECTIONS}
 * connections). Every answer is checked on both sides: the version the client negotiated, and the protocol in the JSON
 * (or the stylesheet byte for byte). Each request ends in exactly one {@link Outcome}, whose {@link Kind} tells a
 * checked answer from load shedding (a status, a refused or reset stream, the server's stream limit) and from an
 * accepted request that was lost (response headers arrived, then the body was cut, reset or wrong). Every request is
 * bounded by {@value #TIMEOUT_SECONDS} seconds, every loop by a time.
 */
final class MixedLoad implements AutoCloseable {

	static final String JSON = "/api/info";

	static final String STATIC = "/h3servlet.css";

	static final int H1_CONNECTIONS = 32;

	/** h2 clients (one connection each) and h3 connections. */
	static final int CONNECTIONS = 4;

	/** Requests each h2 and h3 connection keeps in flight in the closed loop (h1: one per connection). */
	static final int IN_FLIGHT = 8;

	static final long TIMEOUT_SECONDS = 10;

	/**
	 * Idle timeout of the h1 and h2 clients' connections: below the server's (Jetty's default, 30 s), so that the
	 * client retires an idle connection before the server closes it. The other way round, a request sent on a
	 * connection the server is closing fails with an EOFException (the HTTP/1.1 keep-alive race; 2 of 278,000
	 * requests in a 3-minute soak with the 60 s of {@link Load#newClient}), which says nothing about the server.
	 */
	static final long CLIENT_IDLE_TIMEOUT_MILLIS = 20_000;

	/** HTTP/3 application error codes (RFC 9114 section 8.1), to name a stream reset's code. */
	private static final String[] H3_ERRORS = { "H3_NO_ERROR", "H3_GENERAL_PROTOCOL_ERROR", "H3_INTERNAL_ERROR",
			"H3_STREAM_CREATION_ERROR", "H3_CLOSED_CRITICAL_STREAM", "H3_FRAME_UNEXPECTED", "H3_FRAME_ERROR",
			"H3_EXCESSIVE_LOAD", "H3_ID_ERROR", "H3_SETTINGS_ERROR", "H3_MISSING_SETTINGS", "H3_REQUEST_REJECTED",
			"H3_REQUEST_CANCELLED", "H3_REQUEST_INCOMPLETE", "H3_MESSAGE_ERROR", "H3_CONNECT_ERROR",
			"H3_VERSION_FALLBACK" };

	private static final int H3_REQUEST_CANCELLED = 0x10c;

	private final List<HttpClient> jettyClients;

	private final List<NettyHttp3Client> h3Connections;

	private final Map<Protocol, Sender> senders;

	private final LongAdder h3StreamWaits;

	/** The stylesheet as the demo served it first, to compare every later answer with. */
	final byte[] stylesheet;

	private MixedLoad(List<HttpClient> jettyClients, List<NettyHttp3Client> h3Connections, Map<Protocol, Sender> senders,
			LongAdder h3StreamWaits, byte[] stylesheet) {
		this.jettyClients = jettyClients;
		this.h3Connections = h3Connections;
		this.senders = senders;
		this.h3StreamWaits = h3StreamWaits;
		this.stylesheet = stylesheet;
	}

	/**
	 * Starts the demo app (its fat jar, on {@code javaHome}, as {@code Bench}'s Spring rows do) on loopback port 0 with
	 * the bench's key store.
	 */
	static ServerProcess startDemo(Path javaHome, Path keyStore) throws IOException {
		List<String> args = List.of("--server.port=0", "--server.address=127.0.0.1", "--server.ssl.key-store=" + keyStore,
				"--server.ssl.key-store-password=" + Bench.PASSWORD, "--server.ssl.key-store-type=PKCS12");
		return ServerProcess.startJar(javaHome, ServerProcess.demoJar(), List.of("-Xmx1g", "-XX:+UseParallelGC"), args,
				ReadySignal.springBootLog("dev.h3servlet.demo.boot.DemoApplication"));
	}

	/**
	 * Opens the clients against the demo and checks one answer of each path over each protocol.
	 * @param maxQueued how many requests each Jetty client may queue (Jetty fails the ones above it at once)
	 */
	static MixedLoad open(Load load, ServerProcess demo, X509Certificate certificate, int maxQueued) throws Exception {
		List<HttpClient> jetty = new ArrayList<>();
		List<NettyHttp3Client> h3 = new ArrayList<>();
		try {
			HttpClient h1 = load.newClient(Protocol.H1, H1_CONNECTIONS);
			jetty.add(h1);
			List<HttpClient> h2 = new ArrayList<>();
			for (int i = 0; i < CONNECTIONS; i++) {
				h2.add(load.newClient(Protocol.H2, 1));
			}
			jetty.addAll(h2);
			// Both read when a client creates its destination and its connections, from its first request on.
			jetty.forEach((client) -> {
				client.setMaxRequestsQueuedPerDestination(maxQueued);
				client.setIdleTimeout(CLIENT_IDLE_TIMEOUT_MILLIS);
			});
			h3.addAll(new NettyH3Load(demo.h3Port, certificate).connectAll(CONNECTIONS));
			for (NettyHttp3Client connection : h3) {
				Load.check("h3".equals(connection.applicationProtocol()),
						() -> "h3 connection negotiated " + connection.applicationProtocol());
			}
			byte[] stylesheet = h2.get(0).newRequest("https://127.0.0.1:" + demo.tlsPort + STATIC)
				.timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
				.send()
				.getContent();
			Load.check(stylesheet.length > 0, () -> STATIC + " is empty");
			Map<Protocol, Sender> senders = new EnumMap<>(Protocol.class);
			senders.put(Protocol.H1, jettySender(List.of(h1), Protocol.H1, demo.tlsPort, stylesheet));
			senders.put(Protocol.H2, jettySender(h2, Protocol.H2, demo.tlsPort, stylesheet));
			LongAdder waits = new LongAdder();
			senders.put(Protocol.H3, h3Sender(h3, demo.h3Port, stylesheet, waits));
			MixedLoad mixed = new MixedLoad(jetty, h3, senders, waits, stylesheet);
			for (Protocol protocol : Protocol.values()) {
				for (String path : List.of(JSON, STATIC)) {
					Outcome outcome = mixed.sendAndWait(protocol, path);
					Load.check(outcome.kind() == Kind.OK, () -> protocol.label + " " + path + ": " + outcome);
				}
			}
			return mixed;
		}
		catch (Exception | Error ex) {
			stopAll(jetty, h3);
			throw ex;
		}
	}

	/** One GET, waited for (bounded by the request timeout). */
	Outcome sendAndWait(Protocol protocol, String path) throws InterruptedException {
		return sendAndWait(this.senders.get(protocol), path);
	}

	static Outcome sendAndWait(Sender sender, String path) throws InterruptedException {
		CompletableFuture<Outcome> outcome = new CompletableFuture<>();
		sender.send(path, System.nanoTime(), outcome::complete);
		try {
			return outcome.get(TIMEOUT_SECONDS + 5, TimeUnit.SECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			return new Outcome(Kind.TIMEOUT, "no outcome in " + (TIMEOUT_SECONDS + 5) + " s", -1);
		}
	}

	/**
	 * A closed loop over the three protocols at once ({@value #H1_CONNECTIONS} h1 requests in flight, and
	 * {@value #CONNECTIONS} x {@value #IN_FLIGHT} each for h2 and h3), the two paths alternately, for {@code millis}:
	 * completed requests per second by protocol. Any failed or wrong answer ends the loop and throws (see
	 * {@link Load#closedLoop}).
	 */
	Map<Protocol, Double> closedLoop(long millis) throws InterruptedException {
		Map<Protocol, AtomicLong> completed = new EnumMap<>(Protocol.class);
		List<Load.AsyncRequest> loops = new ArrayList<>();
		for (Protocol protocol : Protocol.values()) {
			AtomicLong count = new AtomicLong();
			completed.put(protocol, count);
			Sender sender = this.senders.get(protocol);
			int inFlight = (protocol == Protocol.H1) ? H1_CONNECTIONS : CONNECTIONS * IN_FLIGHT;
			for (int i = 0; i < inFlight; i++) {
				AtomicInteger turn = new AtomicInteger(i);
				loops.add((outcome) -> sender.send(path(turn.getAndIncrement()), System.nanoTime(), (result) -> {
					if (result.kind() == Kind.OK) {
						count.incrementAndGet();
						outcome.accept(null);
					}
					else {
						outcome.accept(protocol.label + " " + result);
					}
				}));
			}
		}
		long start = System.nanoTime();
		Load.closedLoop(loops, millis, "mixed h1/h2/h3 requests");
		double seconds = (System.nanoTime() - start) / 1e9;
		Map<Protocol, Double> perSecond = new EnumMap<>(Protocol.class);
		completed.forEach((protocol, count) -> perSecond.put(protocol, count.get() / seconds));
		return perSecond;
	}

	/** h3 requests so far that waited for the server's stream limit before their stream could open. */
	long h3StreamWaits() {
		return this.h3StreamWaits.sum();
	}

	/** The sum of the protocols' rates. */
	static double total(Map<Protocol, Double> perSecond) {
		return perSecond.values().stream().mapToDouble(Double::doubleValue).sum();
	}

	/** The path of the {@code n}-th request of a loop or arrival stream: JSON and static alternately. */
	static String path(long n) {
		return (n % 2 == 0) ? JSON : STATIC;
	}

	/**
	 * Starts open-loop arrivals: for each protocol, GETs at {@code perSecond} a second, paced by the clock (the
	 * {@code k}-th at {@code start + k / rate}) whether or not earlier ones were answered, for {@code millis}. At most
	 * {@code maxInFlight} requests are outstanding in all; an arrival beyond that, or one the pacer could not send
	 * within half a second of its time, is not offered ({@link Kind#NOT_OFFERED}). Latency runs from an arrival's
	 * scheduled time to its outcome, so a slow client or server cannot hide it.
	 */
	Arrivals arrivals(Map<Protocol, Double> perSecond, long millis, int maxInFlight) {
		Arrivals arrivals = new Arrivals(this.senders, perSecond, millis, maxInFlight);
		arrivals.thread.start();
		return arrivals;
	}

	@Override
	public void close() {
		stopAll(this.jettyClients, this.h3Connections);
	}

	private static void stopAll(List<HttpClient> jetty, List<NettyHttp3Client> h3) {
		for (HttpClient client : jetty) {
			try {
				client.stop();
			}
			catch (Exception ex) {
				System.err.println("  stopping a client failed: " + ex);
			}
		}
		NettyH3Load.closeAll(h3);
	}

	/** Sends one GET without waiting; {@code done} gets its outcome exactly once, on a client thread. */
	@FunctionalInterface
	interface Sender {

		void send(String path, long scheduledNanos, Consumer<Outcome> done);

	}

	/** What became of a request. */
	enum Kind {

		/** Status 200 and the answer checked. */
		OK,
		/** A complete answer with another status (503 is load shedding). */
		STATUS,
		/** Failed before any response header arrived: the server refused or reset the stream, or the connection failed. */
		REFUSED,
		/** Never sent: waited the whole request timeout for the server's QUIC stream limit (its MAX_STREAMS). */
		LIMITED,
		/** No response headers within the request timeout. */
		TIMEOUT,
		/** Response headers arrived, then the body was cut, reset, wrong or did not end in time: an accepted request lost. */
		LOST,
		/** Never offered to the server: the generator's in-flight bound, a full client queue, the pacer late. */
		NOT_OFFERED

	}

	/**
	 * One request's outcome.
	 * @param detail what happened (a status, a failure type), {@code null} for {@link Kind#OK}
	 * @param nanos from the request's scheduled time to its outcome; -1 when unknown
	 */
	record Outcome(Kind kind, String detail, long nanos) {

		@Override
		public String toString() {
			return this.kind + ((this.detail != null) ? ": " + this.detail : "");
		}

	}

	static Sender jettySender(List<HttpClient> clients, Protocol protocol, int port, byte[] stylesheet) {
		AtomicInteger next = new AtomicInteger();
		String base = "https://127.0.0.1:" + port;
		return (path, scheduledNanos, done) -> {
			HttpClient client = clients.get(Math.floorMod(next.getAndIncrement(), clients.size()));
			JettyExchange exchange = new JettyExchange(protocol, path, scheduledNanos, stylesheet, done);
			try {
				client.newRequest(base + path).version(protocol.version).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
					.send(exchange);
			}
			catch (RuntimeException ex) {
				done.accept(new Outcome(Kind.REFUSED, "not sent: " + describe(ex), System.nanoTime() - scheduledNanos));
			}
		};
	}

	/**
	 * h3: round robin over the connections, each request on a new request stream of Netty's HTTP/3 client.
	 * @param waits counts the requests that had to wait for the server's stream limit ({@link H3Streams})
	 */
	static Sender h3Sender(List<NettyHttp3Client> connections, int port, byte[] stylesheet, LongAdder waits) {
		AtomicInteger next = new AtomicInteger();
		String authority = "127.0.0.1:" + port;
		List<H3Streams> streams = new ArrayList<>();
		for (NettyHttp3Client connection : connections) {
			H3Streams opener = new H3Streams(connection.quicChannel(), waits);
			// First: it must see the stream-limit events before any handler of the client could keep them.
			connection.quicChannel().pipeline().addFirst("bench-h3-streams", opener);
			streams.add(opener);
		}
		return (path, scheduledNanos, done) -> {
			H3Streams opener = streams.get(Math.floorMod(next.getAndIncrement(), streams.size()));
			H3Exchange exchange = new H3Exchange(authority, path, scheduledNanos, stylesheet, done);
			try {
				opener.connection.eventLoop().execute(() -> opener.submit(exchange));
			}
			catch (RejectedExecutionException ex) {
				exchange.finish(Kind.REFUSED, "the client's event loop stopped");
			}
		};
	}

	/** Why an answer with status 200 is wrong for {@code protocol}, or {@code null}. */
	private static String answerProblem(Protocol protocol, String path, byte[] body, byte[] stylesheet) {
		return JSON.equals(path)
				? Bench.jsonProblem(200, new String(body, StandardCharsets.UTF_8), protocol.version.asString())
				: Bench.staticProblem(200, body, stylesheet);
	}

	/**
	 * A failure named by its type and message (numbers and object ids masked, so that equal failures count together),
	 * a QUIC stream reset by its HTTP/3 error code.
	 */
	static String describe(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof ExecutionException || cause instanceof java.util.concurrent.CompletionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof QuicStreamResetException reset) {
			return "stream reset with " + h3ErrorName(reset.applicationProtocolCode());
		}
		if (cause instanceof QuicException quic && quic.error() != null) {
			return "QuicException " + quic.error();
		}
		String message = (cause.getMessage() != null) ? cause.getMessage() : "";
		if (message.matches("(?s).*@[0-9a-f]{4,}.*")) {
			message = ""; // an object's toString (Jetty's connections): says nothing the type does not
		}
		if (cause instanceof java.io.EOFException && message.isEmpty()) {
			message = "the server closed the connection";
		}
		message = message.replaceAll("[0-9]{2,}", "#");
		if (message.length() > 90) {
			message = message.substring(0, 90) + "…";
		}
		return cause.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
	}

	static String h3ErrorName(long code) {
		return (code >= 0x100 && code < 0x100 + H3_ERRORS.length) ? H3_ERRORS[(int) code - 0x100]
				: "code 0x" + Long.toHexString(code);
	}

	/** One h1 or h2 GET on Jetty's client: notes whether response headers arrived before an end. */
	private static final class JettyExchange extends BufferingResponseListener {

		private final Protocol protocol;

		private final String path;

		private final long scheduledNanos;

		private final byte[] stylesheet;

		private final Consumer<Outcome> done;

		private volatile boolean headers;

		JettyExchange(Protocol protocol, String path, long scheduledNanos, byte[] stylesheet, Consumer<Outcome> done) {
			this.protocol = protocol;
			this.path = path;
			this.scheduledNanos = scheduledNanos;
			this.stylesheet = stylesheet;
			this.done = done;
		}

		@Override
		public void onHeaders(Response response) {
			this.headers = true;
			super.onHeaders(response);
		}

		@Override
		public void onComplete(Result result) {
			long nanos = System.nanoTime() - this.scheduledNanos;
			Response response = result.getResponse();
			if (!result.isSucceeded()) {
				Throwable failure = result.getFailure();
				Kind kind = this.headers ? Kind.LOST : (failure instanceof TimeoutException) ? Kind.TIMEOUT
						: (failure instanceof RejectedExecutionException) ? Kind.NOT_OFFERED : Kind.REFUSED;
				this.done.accept(new Outcome(kind, describe(failure)
						+ (this.headers ? " after status " + response.getStatus() : ""), nanos));
				return;
			}
			if (response.getStatus() != 200) {
				this.done.accept(new Outcome(Kind.STATUS, "status " + response.getStatus(), nanos));
				return;
			}
			String problem = (response.getVersion() != this.protocol.version)
					? "answered over " + response.getVersion()
					: answerProblem(this.protocol, this.path, getContent(), this.stylesheet);
			this.done.accept((problem == null) ? new Outcome(Kind.OK, null, nanos)
					: new Outcome(Kind.LOST, "wrong answer: " + problem, nanos));
		}

	}

	/**
	 * One h3 GET on a request stream of a Netty HTTP/3 client's connection, with this handler on the stream (rather
	 * than the client's own, to see when response headers arrive and which code a reset carries). All but
	 * {@link #finish} runs on the connection's event loop.
	 */
	private static final class H3Exchange extends Http3RequestStreamInboundHandler {

		private final String authority;

		private final String path;

		private final long scheduledNanos;

		private final byte[] stylesheet;

		private final Consumer<Outcome> done;

		private final AtomicBoolean finished = new AtomicBoolean();

		private final ByteArrayOutputStream body = new ByteArrayOutputStream();

		private QuicStreamChannel stream;

		private ScheduledFuture<?> timeout;

		/** 0 until the response's final field section arrived. */
		private int status;

		/** Whether its stream was asked for (else it still waits for the server's stream limit). */
		private boolean opened;

		private long contentLength = -1;

		H3Exchange(String authority, String path, long scheduledNanos, byte[] stylesheet, Consumer<Outcome> done) {
			this.authority = authority;
			this.path = path;
			this.scheduledNanos = scheduledNanos;
			this.stylesheet = stylesheet;
			this.done = done;
		}

		/** Starts the request's timeout, from now; on the connection's event loop, before it waits or opens. */
		void startTimeout(QuicChannel connection) {
			long left = TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS) - (System.nanoTime() - this.scheduledNanos);
			this.timeout = connection.eventLoop().schedule(this::timedOut, Math.max(left, 0), TimeUnit.NANOSECONDS);
		}

		boolean finished() {
			return this.finished.get();
		}

		/** Opens the request stream ({@link H3Streams} knows the server allows it); on the connection's event loop. */
		void open(QuicChannel connection) {
			this.opened = true;
			if (!connection.isActive()) {
				finish(Kind.REFUSED, "connection closed");
				return;
			}
			Http3.newRequestStream(connection, this).addListener((Future<QuicStreamChannel> future) -> {
				if (!future.isSuccess()) {
					finish(Kind.REFUSED, "no request stream: " + describe(future.cause()));
					return;
				}
				QuicStreamChannel stream = future.getNow();
				this.stream = stream;
				if (this.finished.get()) {
					stream.close();
					return;
				}
				DefaultHttp3Headers headers = new DefaultHttp3Headers();
				headers.method("GET").scheme("https").authority(this.authority).path(this.path);
				// The FIN only once quiche took the whole field section: Netty's stream channel sends a FIN at once even
				// while earlier bytes wait for send capacity (quiche bounds it by the congestion window too), which ends
				// the stream inside the HEADERS frame, and the server rightly closes the connection (H3_FRAME_ERROR).
				stream.writeAndFlush(new DefaultHttp3HeadersFrame(headers)).addListener((written) -> {
					failOnError(written);
					if (written.isSuccess()) {
						stream.shutdownOutput().addListener(this::failOnError);
					}
				});
			});
		}

		private void failOnError(Future<?> future) {
			if (!future.isSuccess() && finish(Kind.REFUSED, "request not sent: " + describe(future.cause()))) {
				this.stream.close();
			}
		}

		@Override
		protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
			CharSequence status = frame.headers().status();
			if (this.status != 0 || status == null) {
				return; // trailers, or a malformed answer that the end will name
			}
			if (status.length() == 3 && status.charAt(0) == '1') {
				return; // informational (1xx): the final response follows
			}
			try {
				this.status = Integer.parseInt(status.toString());
				CharSequence length = frame.headers().get("content-length");
				this.contentLength = (length != null) ? Long.parseLong(length.toString()) : -1;
			}
			catch (NumberFormatException ex) {
				this.status = -1;
			}
		}

		@Override
		protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
			try {
				frame.content().readBytes(this.body, frame.content().readableBytes());
			}
			catch (IOException ex) {
				exceptionCaught(ctx, ex);
			}
			finally {
				ReferenceCountUtil.release(frame);
			}
		}

		@Override
		protected void channelInputClosed(ChannelHandlerContext ctx) {
			if (this.status == 0) {
				finish(Kind.REFUSED, "stream ended without response headers");
			}
			else if (this.status != 200) {
				finish(Kind.STATUS, "status " + this.status);
			}
			else if (this.contentLength >= 0 && this.body.size() != this.contentLength) {
				finish(Kind.LOST, "body cut: " + this.body.size() + " of " + this.contentLength + " bytes");
			}
			else {
				String problem = answerProblem(Protocol.H3, this.path, this.body.toByteArray(), this.stylesheet);
				finish((problem == null) ? Kind.OK : Kind.LOST, (problem == null) ? null : "wrong answer: " + problem);
			}
			ctx.close();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			finish((this.status == 0) ? Kind.REFUSED : Kind.LOST,
					describe(cause) + ((this.status == 0) ? "" : " after status " + this.status));
			ctx.close();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) throws Exception {
			finish((this.status == 0) ? Kind.REFUSED : Kind.LOST, "stream closed before the response ended"
					+ ((this.status == 0) ? "" : " after status " + this.status));
			super.channelInactive(ctx);
		}

		private void timedOut() {
			if (!this.opened) {
				finish(Kind.LIMITED, "waited " + TIMEOUT_SECONDS + " s for the server's QUIC stream limit, never sent");
				return;
			}
			boolean headers = this.status != 0;
			if (finish(headers ? Kind.LOST : Kind.TIMEOUT, "no " + (headers ? "end of the response" : "response headers")
					+ " in " + TIMEOUT_SECONDS + " s")) {
				QuicStreamChannel stream = this.stream;
				if (stream != null) {
					stream.shutdown(H3_REQUEST_CANCELLED).addListener((future) -> stream.close());
				}
			}
		}

		/** Reports the outcome unless one was reported already; whether this call reported it. Any thread. */
		boolean finish(Kind kind, String detail) {
			if (!this.finished.compareAndSet(false, true)) {
				return false;
			}
			ScheduledFuture<?> timeout = this.timeout;
			if (timeout != null) {
				timeout.cancel(false);
			}
			this.done.accept(new Outcome(kind, detail, System.nanoTime() - this.scheduledNanos));
			return true;
		}

	}

	/**
	 * Opens h3 request streams on one connection within the server's stream limit (its MAX_STREAMS), and keeps the
	 * requests beyond it waiting in order until the server allows more, as Jetty's client queues h2 requests above
	 * the server's MAX_CONCURRENT_STREAMS. Netty's client keeps the limit it last read from quiche and reads it again
	 * only once it has reached 0, on the next packet received, firing a {@link QuicStreamLimitChangedEvent} when it
	 * changed; a stream opened beyond the limit would fail after using up a stream id, which the server then counts as
	 * open for good. On the connection's pipeline, first; everything runs on its event loop.
	 */
	private static final class H3Streams extends ChannelInboundHandlerAdapter {

		private final QuicChannel connection;

		private final LongAdder waits;

		private final ArrayDeque<H3Exchange> waiting = new ArrayDeque<>();

		/** Why the connection closed, once it did. */
		private String closed;

		H3Streams(QuicChannel connection, LongAdder waits) {
			this.connection = connection;
			this.waits = waits;
		}

		void submit(H3Exchange exchange) {
			if (this.closed != null) {
				exchange.finish(Kind.REFUSED, "connection closed (" + this.closed + ")");
				return;
			}
			exchange.startTimeout(this.connection);
			if (this.waiting.isEmpty() && this.connection.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0) {
				exchange.open(this.connection);
				return;
			}
			this.waits.increment();
			if (this.waiting.size() >= 1024) {
				this.waiting.removeIf(H3Exchange::finished);
			}
			this.waiting.add(exchange);
		}

		private void openWaiting() {
			while (!this.waiting.isEmpty() && this.connection.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0) {
				H3Exchange next = this.waiting.poll();
				if (!next.finished()) {
					next.open(this.connection);
				}
			}
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
			if (event instanceof QuicStreamLimitChangedEvent) {
				openWaiting();
			}
			else if (event instanceof QuicConnectionCloseEvent close) {
				this.closed = "the server closed it: " + (close.isApplicationClose() ? "application error "
						+ h3ErrorName(close.error()) : "QUIC transport error 0x" + Integer.toHexString(close.error()))
						+ ((close.reason().length > 0) ? " '" + new String(close.reason(), StandardCharsets.UTF_8) + "'"
								: "");
			}
			super.userEventTriggered(ctx, event);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) throws Exception {
			if (this.closed == null) {
				this.closed = this.connection.isTimedOut() ? "QUIC idle timeout" : "closed by the client";
			}
			if (this.connection.isTimedOut() || this.closed.startsWith("the server")) {
				System.err.println("  an h3 connection closed: " + this.closed);
			}
			for (H3Exchange exchange; (exchange = this.waiting.poll()) != null;) {
				exchange.finish(Kind.REFUSED, "connection closed while waiting for a stream (" + this.closed + ")");
			}
			super.channelInactive(ctx);
		}

	}

	/**
	 * The outcomes of one protocol's requests: counts by {@link Kind} and by detail (at most
	 * {@value #MAX_DETAILS} distinct ones), the first failures in full, and the latencies of the checked answers since
	 * the last {@link #interval()}. Thread-safe.
	 */
	static final class Tally {

		private static final int MAX_DETAILS = 60;

		private static final int MAX_LATENCIES = 4_000_000;

		private final LongAdder[] counts = new LongAdder[Kind.values().length];

		private final Map<String, LongAdder> details = new ConcurrentHashMap<>();

		private final List<String> firstFailures = Collections.synchronizedList(new ArrayList<>());

		private long[] lastCounts = new long[Kind.values().length];

		/** Guarded by this. */
		private long[] latencies = new long[1024];

		private int latencyCount;

		Tally() {
			Arrays.setAll(this.counts, (i) -> new LongAdder());
		}

		void add(Outcome outcome) {
			this.counts[outcome.kind().ordinal()].increment();
			if (outcome.kind() == Kind.OK) {
				synchronized (this) {
					if (this.latencyCount == this.latencies.length && this.latencies.length < MAX_LATENCIES) {
						this.latencies = Arrays.copyOf(this.latencies, this.latencies.length * 2);
					}
					if (this.latencyCount < this.latencies.length) {
						this.latencies[this.latencyCount++] = outcome.nanos();
					}
				}
				return;
			}
			String key = outcome.kind() + ": " + outcome.detail();
			LongAdder count = this.details.get(key);
			if (count == null) {
				count = (this.details.size() < MAX_DETAILS) ? this.details.computeIfAbsent(key, (k) -> new LongAdder())
						: this.details.computeIfAbsent(outcome.kind() + ": (other)", (k) -> new LongAdder());
			}
			count.increment();
			if (this.firstFailures.size() < 10) {
				this.firstFailures.add(outcome.toString());
			}
		}

		long count(Kind kind) {
			return this.counts[kind.ordinal()].sum();
		}

		long total() {
			return Arrays.stream(this.counts).mapToLong(LongAdder::sum).sum();
		}

		/** Every outcome but {@link Kind#OK}. */
		long failures() {
			return total() - count(Kind.OK);
		}

		/** Counts by kind and detail, largest first. */
		Map<String, Long> details() {
			Map<String, Long> sorted = new LinkedHashMap<>();
			this.details.entrySet()
				.stream()
				.sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
				.forEach((entry) -> sorted.put(entry.getKey(), entry.getValue().sum()));
			return sorted;
		}

		List<String> firstFailures() {
			synchronized (this.firstFailures) {
				return List.copyOf(this.firstFailures);
			}
		}

		/** The counts and checked-answer latencies since the last call (or the start). */
		synchronized Interval interval() {
			long[] now = new long[this.counts.length];
			Arrays.setAll(now, (i) -> this.counts[i].sum());
			long[] delta = new long[now.length];
			Arrays.setAll(delta, (i) -> now[i] - this.lastCounts[i]);
			this.lastCounts = now;
			long[] sorted = Arrays.copyOf(this.latencies, this.latencyCount);
			this.latencyCount = 0;
			Arrays.sort(sorted);
			return new Interval(delta, sorted);
		}

	}

	/** The outcomes of an interval: counts by {@link Kind} and the sorted latencies (ns) of its checked answers. */
	record Interval(long[] counts, long[] latencies) {

		long count(Kind kind) {
			return this.counts[kind.ordinal()];
		}

		long failures() {
			return Arrays.stream(this.counts).sum() - count(Kind.OK);
		}

		/** A latency percentile in milliseconds, {@code NaN} without answers. */
		double percentileMillis(double p) {
			return (this.latencies.length == 0) ? Double.NaN
					: this.latencies[(int) Math.min(this.latencies.length - 1, Math.floor(p * this.latencies.length))] / 1e6;
		}

		double maxMillis() {
			return (this.latencies.length == 0) ? Double.NaN : this.latencies[this.latencies.length - 1] / 1e6;
		}

	}

	/**
	 * Open-loop arrivals in progress ({@link MixedLoad#arrivals}): one pacing thread, the outcomes in a {@link Tally}
	 * per protocol.
	 */
	static final class Arrivals {

		/** The longest the pacer may lag behind an arrival's time before it drops it as not offered. */
		private static final long MAX_LAG_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

		final Map<Protocol, Tally> tallies = new EnumMap<>(Protocol.class);

		private final Map<Protocol, Sender> senders;

		private final Map<Protocol, Double> perSecond;

		private final long millis;

		private final int maxInFlight;

		private final Semaphore inFlight;

		private final Thread thread;

		private volatile long startNanos;

		private volatile long endNanos;

		private Arrivals(Map<Protocol, Sender> senders, Map<Protocol, Double> perSecond, long millis, int maxInFlight) {
			this.senders = senders;
			this.perSecond = perSecond;
			this.millis = millis;
			this.maxInFlight = maxInFlight;
			this.inFlight = new Semaphore(maxInFlight);
			perSecond.keySet().forEach((protocol) -> this.tallies.put(protocol, new Tally()));
			this.thread = new Thread(this::pace, "bench-arrivals");
			this.thread.setDaemon(true);
		}

		private void pace() {
			List<Protocol> protocols = new ArrayList<>(this.perSecond.keySet());
			long[] issued = new long[protocols.size()];
			long start = System.nanoTime();
			this.startNanos = start;
			long end = start + TimeUnit.MILLISECONDS.toNanos(this.millis);
			for (long now = start; now < end; now = System.nanoTime()) {
				for (int p = 0; p < protocols.size(); p++) {
					Protocol protocol = protocols.get(p);
					double rate = this.perSecond.get(protocol);
					long due = (long) ((now - start) / 1e9 * rate);
					for (; issued[p] < due; issued[p]++) {
						long scheduled = start + (long) (issued[p] * 1e9 / rate);
						if (now - scheduled > MAX_LAG_NANOS) {
							notOffered(protocol, scheduled, "the pacer was more than 0.5 s late");
						}
						else {
							offer(protocol, path(issued[p]), scheduled);
						}
					}
				}
				LockSupport.parkNanos(200_000);
			}
			this.endNanos = System.nanoTime();
		}

		private void offer(Protocol protocol, String path, long scheduled) {
			Tally tally = this.tallies.get(protocol);
			if (!this.inFlight.tryAcquire()) {
				notOffered(protocol, scheduled, this.maxInFlight + " requests in flight (the generator's bound)");
				return;
			}
			AtomicBoolean once = new AtomicBoolean();
			this.senders.get(protocol).send(path, scheduled, (outcome) -> {
				if (once.compareAndSet(false, true)) {
					this.inFlight.release();
					tally.add(outcome);
				}
			});
		}

		private void notOffered(Protocol protocol, long scheduled, String why) {
			this.tallies.get(protocol).add(new Outcome(Kind.NOT_OFFERED, why, System.nanoTime() - scheduled));
		}

		/** Requests sent and not yet ended. */
		int inFlight() {
			return this.maxInFlight - this.inFlight.availablePermits();
		}

		boolean arriving() {
			return this.thread.isAlive();
		}

		/** When the first arrival was due ({@link System#nanoTime()}). */
		long startNanos() {
			return this.startNanos;
		}

		/** When the last arrival was due; 0 while arriving. */
		long endNanos() {
			return this.endNanos;
		}

		/** Waits for the pacer to stop (it stops by itself after its time). */
		void awaitArrivalsEnd() throws InterruptedException {
			this.thread.join(this.millis + 30_000);
			Load.check(!this.thread.isAlive(), () -> "the arrivals did not stop in time");
		}

		/**
		 * Waits, at most {@code millis}, until every request sent has ended (each is bounded by the request timeout):
		 * whether all did.
		 */
		boolean awaitOutstanding(long millis) throws InterruptedException {
			if (this.inFlight.tryAcquire(this.maxInFlight, millis, TimeUnit.MILLISECONDS)) {
				this.inFlight.release(this.maxInFlight);
				return true;
			}
			return false;
		}

		/** The rate asked of {@code protocol}. */
		double rate(Protocol protocol) {
			return this.perSecond.get(protocol);
		}

		/** One line: per protocol, outcomes so far. */
		String summary() {
			StringBuilder text = new StringBuilder();
			this.tallies.forEach((protocol, tally) -> text.append(String.format(Locale.ROOT,
					"%s %,d ok %,d failed; ", protocol.label, tally.count(Kind.OK), tally.failures())));
			return text.append(String.format(Locale.ROOT, "%,d in flight", inFlight())).toString();
		}

	}

}
