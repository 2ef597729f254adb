package dev.h3servlet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import dev.h3servlet.bench.Load.Protocol;
import dev.h3servlet.test.NettyHttp3Client;
import io.netty.handler.codec.quic.QuicException;
import io.netty.handler.codec.quic.QuicStreamResetException;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;

/**
 * Mixed HTTP/1.1, HTTP/2 and HTTP/3 load on the Spring Boot demo app, for {@link SoakMixed} and {@link Overload}: GETs
 * of {@code /api/info} (JSON naming the protocol Spring MVC saw) and {@code /h3servlet.css} (a static resource)
 * alternately, over Jetty's {@link HttpClient} for h1 ({@value #H1_CONNECTIONS} connections) and h2
 * ({@value #CONNECTIONS} clients of one connection each) and Netty's HTTP/3 client for h3 ({@value #CONNECTIONS}
 * connections, {@link H3Requests}), in a closed loop or as paced open-loop {@link Arrivals}. Every answer is checked on both sides: the version the client negotiated, and the protocol in the JSON
 * (or the stylesheet byte for byte). Each request ends in exactly one {@link Outcome}, whose {@link Kind} tells a
 * checked answer from load shedding (a status, a refused or reset stream, the server's stream limit) and from an
 * accepted request that was lost (response headers arrived, then the body was cut, reset or wrong). Every request is
 * bounded by {@value #TIMEOUT_SECONDS} seconds, every loop by a time.
 */
final class MixedLoad implements AutoCloseable {

	static final String JSON = "/api/info";

	static final String STATIC = "/h3servlet.css";

	/** The demo's health check: JSON naming the protocol, exempt from its overload limit. */
	static final String HEALTH = "/api/health";

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
	static ServerProcess startDemo(Path javaHome, Path keyStore, List<String> demoArgs) throws IOException {
		List<String> args = new ArrayList<>(Bench.springBootTls(keyStore));
		args.addAll(demoArgs);
		return ServerProcess.startJar(javaHome, ServerProcess.demoJar(), List.of("-Xmx1g", "-XX:+UseParallelGC"), args,
				ReadySignal.springBootLog("dev.h3servlet.demo.boot.DemoApplication"));
	}

	/** The demo as the tables name it: the stack, the transport, the server's Java and the arguments it was given. */
	static String describeDemo(ServerProcess demo, List<String> demoArgs) {
		return "demo app (Spring Boot, Jetty, h3servlet starter; h3 transport " + demo.binding + "), server Java "
				+ demo.java + ", pid " + demo.pid() + (demoArgs.isEmpty() ? "" : ", " + String.join(" ", demoArgs));
	}

	/**
	 * Opens the clients against the demo and checks one answer of each path over each protocol.
	 * @param maxQueued how many requests each Jetty client may queue (Jetty fails the ones above it at once)
	 */
	static MixedLoad open(Load load, ServerProcess demo, X509Certificate certificate, int maxQueued) throws Exception {
		MixedLoad mixed = connect(load, demo, certificate, maxQueued, null);
		try {
			for (Protocol protocol : Protocol.values()) {
				for (String path : List.of(JSON, STATIC)) {
					Outcome outcome = mixed.sendAndWait(protocol, path);
					Load.check(outcome.kind() == Kind.OK, () -> protocol.label + " " + path + ": " + outcome);
				}
			}
			return mixed;
		}
		catch (Exception | Error ex) {
			mixed.close();
			throw ex;
		}
	}

	/**
	 * More clients like these, on new connections, checking answers against the same stylesheet: usable while the
	 * server is busy (nothing is asked of it before the first load).
	 */
	MixedLoad openMore(Load load, ServerProcess demo, X509Certificate certificate, int maxQueued) throws Exception {
		return connect(load, demo, certificate, maxQueued, this.stylesheet);
	}

	/** The clients; the stylesheet is fetched over h2 unless given. */
	private static MixedLoad connect(Load load, ServerProcess demo, X509Certificate certificate, int maxQueued,
			byte[] knownStylesheet) throws Exception {
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
			byte[] stylesheet = (knownStylesheet != null) ? knownStylesheet
					: h2.get(0).newRequest("https://127.0.0.1:" + demo.tlsPort + STATIC)
						.timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
						.send()
						.getContent();
			Load.check(stylesheet.length > 0, () -> STATIC + " is empty");
			Map<Protocol, Sender> senders = new EnumMap<>(Protocol.class);
			senders.put(Protocol.H1, jettySender(List.of(h1), Protocol.H1, demo.tlsPort, stylesheet));
			senders.put(Protocol.H2, jettySender(h2, Protocol.H2, demo.tlsPort, stylesheet));
			LongAdder waits = new LongAdder();
			senders.put(Protocol.H3, H3Requests.sender(h3, demo.h3Port, stylesheet, waits));
			return new MixedLoad(jetty, h3, senders, waits, stylesheet);
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
		arrivals.start();
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

	/** Why an answer with status 200 is wrong for {@code protocol}, or {@code null}. */
	static String answerProblem(Protocol protocol, String path, byte[] body, byte[] stylesheet) {
		return (JSON.equals(path) || HEALTH.equals(path))
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
			return "stream reset with " + H3Requests.h3ErrorName(reset.applicationProtocolCode());
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

}
