package dev.h3servlet.it.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.h3servlet.test.NettyHttp3Client;
import dev.h3servlet.test.TestCertificate;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.FormRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A client host of the cluster test, run as a JVM of its own inside the client's network namespace: it speaks
 * HTTP/1.1 and HTTP/2 with Jetty's client and HTTP/3 with Netty's, each from one of the host's own addresses, to a
 * balancer or an instance named by {@code address:port} (the certificate names {@code localhost}, so every client
 * connects to the address while naming {@code localhost}), and prints what it saw as lines the test parses:
 * <ul>
 * <li>{@code probe <certificate directory> <target> <local address>...}: one {@code GET /api/info} per protocol and local address;
 * a {@code PROBE} line each.</li>
 * <li>{@code session <certificate directory> <first> <second>}: a value stored in the session over HTTP/2 on the first target,
 * the page read with its cookie over HTTP/3 on the second; one {@code SESSION} line.</li>
 * <li>{@code load <certificate directory> <target> <retries> <seconds> <rate> <local address>...}: a loop of
 * {@code GET /api/info} per protocol and local address, at most {@code rate} requests per second each (0: as fast as
 * answered), until stdin ends or the seconds pass; {@code TICK} lines each second, and at the end a {@code LOAD} line
 * per protocol and a {@code CLIENT} line per client (the instances that answered it in turn).</li>
 * </ul>
 * The load's clients behave as browsers do: a request that fails on a connection the server closed or refused is
 * retried on a new connection at most {@code retries} times (GET is idempotent, RFC 9110 9.2.2), and an HTTP/3 client
 * that cannot open a QUIC connection sends the request over HTTP/2 instead and tries QUIC again after a while (Alt-Svc
 * is only a hint, RFC 7838). Each is counted: served over its own protocol, fell back, retried, failed.
 */
public final class ClusterClient {

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

	/** How long a QUIC handshake may take before the request goes over HTTP/2. */
	private static final Duration QUIC_CONNECT_TIMEOUT = Duration.ofSeconds(2);

	/** How long an HTTP/3 client that could not connect uses HTTP/2 before trying QUIC again. */
	private static final long QUIC_BROKEN_NANOS = TimeUnit.SECONDS.toNanos(3);

	private static final Pattern LOCAL_ADDRESS = Pattern.compile("\"localAddress\":\"([^\"]+)\"");

	private static final Pattern PROTOCOL = Pattern.compile("\"protocol\":\"([^\"]+)\"");

	private static final QueuedThreadPool threads = new QueuedThreadPool(64, 8);

	private ClusterClient() {
	}

	public static void main(String[] args) throws Exception {
		threads.setName("cluster-client");
		threads.setDaemon(true);
		threads.start();
		TestCertificate trust = TestCertificate.create(Path.of(args[1]));
		switch (args[0]) {
			case "probe" -> probe(trust, args[2], Arrays.asList(args).subList(3, args.length));
			case "session" -> session(trust, args[2], args[3]);
			case "load" -> load(trust, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
					Integer.parseInt(args[5]), Arrays.asList(args).subList(6, args.length));
			default -> throw new IllegalArgumentException("Unknown command " + args[0]);
		}
		System.out.flush();
		System.exit(0);
	}

	private static void probe(TestCertificate trust, String target, List<String> locals) throws Exception {
		for (String local : locals) {
			for (String protocol : List.of("h1", "h2", "h3")) {
				try (Client client = Client.of(protocol, trust, target, local)) {
					Answer answer = client.send(HttpMethod.GET, "/api/info", null, null);
					System.out.println("PROBE local=" + local + " protocol=" + protocol + " status=" + answer.status()
							+ " client=" + answer.version() + " server=" + field(PROTOCOL, answer.body())
							+ " instance=" + field(LOCAL_ADDRESS, answer.body()) + " altsvc=" + answer.altSvc());
				}
			}
		}
	}

	private static void session(TestCertificate trust, String first, String second) throws Exception {
		String note = "stored-" + System.nanoTime();
		String local = "0.0.0.0";
		try (Client h2 = Client.of("h2", trust, first, local); Client h3 = Client.of("h3", trust, second, local)) {
			Fields form = new Fields();
			form.put("note", note);
			Answer stored = h2.send(HttpMethod.POST, "/session", null, form);
			String cookie = (stored.setCookie() != null) ? stored.setCookie().split(";", 2)[0] : "none";
			Answer read = h3.send(HttpMethod.GET, "/", cookie, null);
			Matcher seen = Pattern.compile("id=\"note\">([^<]*)<").matcher(read.body());
			Matcher server = Pattern.compile("id=\"server\">([^<]*)<").matcher(read.body());
			System.out.println("SESSION cookie=" + cookie.split("=", 2)[0] + " stored=" + stored.status() + "/"
					+ stored.version() + " read=" + read.status() + "/" + read.version() + " server="
					+ (server.find() ? server.group(1) : "?") + " expected=" + note + " seen="
					+ (seen.find() ? seen.group(1) : "?"));
		}
	}

	private static void load(TestCertificate trust, String target, int retries, int seconds, int rate,
			List<String> locals) throws Exception {
		AtomicBoolean stop = new AtomicBoolean();
		Thread stdin = new Thread(() -> {
			try (InputStream in = System.in) {
				while (in.read() != -1) {
					// nothing to read: the test closes stdin to stop the load
				}
			}
			catch (IOException ex) {
				// stdin gone: stop as well
			}
			stop.set(true);
		}, "stdin");
		stdin.setDaemon(true);
		stdin.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		Map<String, Tally> tallies = new TreeMap<>();
		List<Thread> workers = new ArrayList<>();
		Map<String, Client> clients = new LinkedHashMap<>();
		for (String protocol : List.of("h1", "h2", "h3")) {
			Tally tally = new Tally();
			tallies.put(protocol, tally);
			for (String local : locals) {
				Client client = Client.of(protocol, trust, target, local);
				clients.put("protocol=" + protocol + " local=" + local, client);
				Thread worker = new Thread(() -> {
					long interval = (rate > 0) ? TimeUnit.SECONDS.toNanos(1) / rate : 0;
					long next = System.nanoTime();
					while (!stop.get() && System.nanoTime() < deadline) {
						tally.record(client, retries);
						next += interval;
						long wait = next - System.nanoTime();
						if (wait > 0) {
							LockSupport.parkNanos(wait);
						}
					}
				}, protocol + "-" + local);
				workers.add(worker);
			}
		}
		long started = System.nanoTime();
		workers.forEach(Thread::start);
		long lastTotal = 0;
		while (!stop.get() && System.nanoTime() < deadline) {
			Thread.sleep(1000);
			if (stop.get()) {
				break;
			}
			long total = tallies.values().stream().mapToLong(Tally::answered).sum();
			long failed = tallies.values().stream().mapToLong((tally) -> tally.failed.sum()).sum();
			System.out.println("TICK t=" + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " answered="
					+ (total - lastTotal) + " failed=" + failed);
			lastTotal = total;
		}
		stop.set(true);
		long joinDeadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(1);
		for (Thread worker : workers) {
			worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
		}
		double elapsed = (System.nanoTime() - started) / 1e9;
		tallies.forEach((protocol, tally) -> System.out.println("LOAD protocol=" + protocol + " " + tally.summary(elapsed)));
		clients.forEach((name, client) -> System.out.println("CLIENT " + name + " " + client.history()));
		for (Client client : clients.values()) {
			client.close();
		}
	}

	private static String field(Pattern pattern, String body) {
		Matcher matcher = pattern.matcher(body);
		return matcher.find() ? matcher.group(1) : "?";
	}

	/** What one protocol's workers counted. */
	static final class Tally {

		final LongAdder served = new LongAdder();

		final LongAdder fellBack = new LongAdder();

		final LongAdder retried = new LongAdder();

		final LongAdder failed = new LongAdder();

		/**
		 * Clients that moved: an answer from another instance than the same client's previous answer, or a client's
		 * first answer after its requests had failed (its connection went to an instance that died before answering:
		 * under load a QUIC handshake can take seconds).
		 */
		final LongAdder moved = new LongAdder();

		final Map<String, LongAdder> instances = new ConcurrentHashMap<>();

		final List<String> failures = new ArrayList<>();

		private final List<Long> latencies = new ArrayList<>();

		void record(Client client, int retries) {
			long start = System.nanoTime();
			for (int attempt = 0;; attempt++) {
				try {
					Answer answer = client.send(HttpMethod.GET, "/api/info", null, null);
					String server = field(PROTOCOL, answer.body());
					if (answer.status() != 200 || !server.equals(answer.version())) {
						throw new IOException("status " + answer.status() + ", client saw " + answer.version()
								+ ", server " + server);
					}
					(answer.version().equals(client.version()) ? this.served : this.fellBack).increment();
					String instance = field(LOCAL_ADDRESS, answer.body());
					this.instances.computeIfAbsent(instance, (key) -> new LongAdder()).increment();
					if ((client.lastInstance != null) ? !client.lastInstance.equals(instance) : client.failedUnanswered) {
						this.moved.increment();
					}
					client.lastInstance = instance;
					client.failedUnanswered = false;
					client.answered(instance);
					break;
				}
				catch (Exception ex) {
					client.reset();
					if (attempt < retries) {
						this.retried.increment();
						continue;
					}
					this.failed.increment();
					client.failedUnanswered = client.lastInstance == null;
					client.failed();
					synchronized (this.failures) {
						if (this.failures.size() < 5) {
							this.failures.add(ex.toString().replace(' ', '_'));
						}
					}
					break;
				}
			}
			long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
			synchronized (this.latencies) {
				this.latencies.add(micros);
			}
		}

		long answered() {
			return this.served.sum() + this.fellBack.sum();
		}

		/** The quantile of the requests' times (retries and fallbacks included), in milliseconds. */
		double quantileMillis(double quantile) {
			long[] sorted;
			synchronized (this.latencies) {
				sorted = this.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
			}
			if (sorted.length == 0) {
				return 0;
			}
			int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
			return Math.round(sorted[Math.max(0, index)] / 100.0) / 10.0;
		}

		String summary(double seconds) {
			Map<String, Long> perInstance = new TreeMap<>();
			this.instances.forEach((instance, count) -> perInstance.put(instance, count.sum()));
			return "served=" + this.served.sum() + " fellBack=" + this.fellBack.sum() + " retried="
					+ this.retried.sum() + " failed=" + this.failed.sum() + " moved=" + this.moved.sum() + " perSecond="
					+ Math.round(answered() / seconds) + " p50ms=" + quantileMillis(0.5) + " p99ms="
					+ quantileMillis(0.99) + " maxms=" + quantileMillis(1.0) + " instances=" + perInstance.toString().replace(" ", "") + " failures="
					+ this.failures;
		}

	}

	/** A response as the test needs it. */
	record Answer(int status, String version, String body, String altSvc, String setCookie) {
	}

	/** One protocol's client, from one local address to one target. */
	abstract static class Client implements AutoCloseable {

		/** The instance that answered this client last (only its worker thread reads and writes it). */
		String lastInstance;

		/** Whether a request failed before the client had any answer. */
		boolean failedUnanswered;

		/** The instances that answered this client in turn, with {@code x} for failed requests between them. */
		private final List<String> path = new ArrayList<>();

		private int failures;

		synchronized void answered(String instance) {
			step(instance);
		}

		synchronized void failed() {
			this.failures++;
			step("x");
		}

		private void step(String where) {
			if (this.path.isEmpty() || !this.path.get(this.path.size() - 1).equals(where)) {
				this.path.add(where);
			}
		}

		/** What happened to this client, as {@code failed=N path=a>x>b}. */
		synchronized String history() {
			return "failed=" + this.failures + " path=" + String.join(">", this.path);
		}

		static Client of(String protocol, TestCertificate trust, String target, String local) throws Exception {
			return switch (protocol) {
				case "h1" -> new JettyClient("HTTP/1.1", target, local,
						new HttpClientTransportOverHTTP(connector()));
				case "h2" -> new JettyClient("HTTP/2.0", target, local,
						new HttpClientTransportOverHTTP2(new HTTP2Client(connector())));
				case "h3" -> new QuicClient(trust, target, local);
				default -> throw new IllegalArgumentException(protocol);
			};
		}

		/** The version this client speaks, as a servlet names it. */
		abstract String version();

		abstract Answer send(HttpMethod method, String path, String cookie, Fields form) throws Exception;

		/** After a failure: the next request starts on a new connection. */
		abstract void reset();

		@Override
		public abstract void close() throws Exception;

		static ClientConnector connector() {
			ClientConnector connector = new ClientConnector();
			connector.setSslContextFactory(new SslContextFactory.Client(true));
			connector.setSelectors(1);
			return connector;
		}

		static InetSocketAddress address(String target) throws IOException {
			String[] parts = target.split(":");
			// Connect to the address while naming localhost, which the certificate names.
			return new InetSocketAddress(InetAddress.getByAddress("localhost",
					InetAddress.getByName(parts[0]).getAddress()), Integer.parseInt(parts[1]));
		}

	}

	/** HTTP/1.1 or HTTP/2 over TLS: Jetty's client, its connections bound to the local address. */
	static final class JettyClient extends Client {

		private final String version;

		private final HttpClient client;

		private final URI base;

		JettyClient(String version, String target, String local, HttpClientTransport transport) throws Exception {
			this.version = version;
			InetSocketAddress address = address(target);
			this.base = URI.create("https://localhost:" + address.getPort());
			this.client = new HttpClient(transport);
			this.client.setExecutor(threads);
			this.client.setBindAddress(new InetSocketAddress(local, 0));
			this.client.setSocketAddressResolver((host, port, context, promise) -> promise.succeeded(List.of(address)));
			this.client.setMaxConnectionsPerDestination(1);
			this.client.setFollowRedirects(false);
			this.client.start();
		}

		@Override
		String version() {
			return this.version;
		}

		@Override
		Answer send(HttpMethod method, String path, String cookie, Fields form) throws Exception {
			Request request = this.client.newRequest(this.base.resolve(path))
				.method(method)
				.timeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			if (cookie != null) {
				request.headers((headers) -> headers.put(HttpHeader.COOKIE, cookie));
			}
			if (form != null) {
				request.body(new FormRequestContent(form));
			}
			ContentResponse response = request.send();
			return new Answer(response.getStatus(), response.getVersion().asString(), response.getContentAsString(),
					response.getHeaders().get(HttpHeader.ALT_SVC), response.getHeaders().get(HttpHeader.SET_COOKIE));
		}

		@Override
		void reset() {
			// Jetty's client drops a connection that failed and opens a new one for the next request.
		}

		@Override
		public void close() throws Exception {
			this.client.stop();
		}

	}

	/**
	 * HTTP/3: Netty's QUIC client from a new UDP socket on the local address; while QUIC cannot connect, HTTP/2 as a
	 * browser would use.
	 */
	static final class QuicClient extends Client {

		private final TestCertificate trust;

		private final InetSocketAddress target;

		private final String local;

		private final JettyClient fallback;

		private NettyHttp3Client connection;

		private long brokenUntil = System.nanoTime();

		QuicClient(TestCertificate trust, String target, String local) throws Exception {
			this.trust = trust;
			this.target = address(target);
			this.local = local;
			this.fallback = new JettyClient("HTTP/2.0", target, local,
					new HttpClientTransportOverHTTP2(new HTTP2Client(connector())));
		}

		@Override
		String version() {
			return "HTTP/3.0";
		}

		@Override
		Answer send(HttpMethod method, String path, String cookie, Fields form) throws Exception {
			if (this.connection == null && System.nanoTime() - this.brokenUntil >= 0) {
				try {
					this.connection = NettyHttp3Client.connect(this.target, new InetSocketAddress(this.local, 0),
							this.trust.certificate(), QUIC_CONNECT_TIMEOUT, NettyHttp3Client.INITIAL_MAX_STREAM_DATA);
				}
				catch (IOException ex) {
					this.brokenUntil = System.nanoTime() + QUIC_BROKEN_NANOS;
				}
			}
			if (this.connection == null) {
				return this.fallback.send(method, path, cookie, form);
			}
			if (form != null) {
				throw new UnsupportedOperationException("forms go over HTTP/2 in this client");
			}
			NettyHttp3Client.Request request = NettyHttp3Client.Request.get(path);
			if (cookie != null) {
				request.header("cookie", cookie);
			}
			NettyHttp3Client.Response response = this.connection.sendAsync(request)
				.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			if (!"h3".equals(this.connection.applicationProtocol())) {
				throw new IOException("ALPN agreed on " + this.connection.applicationProtocol());
			}
			return new Answer(response.status(), "HTTP/3.0", response.bodyAsString(), response.header("alt-svc"),
					response.header("set-cookie"));
		}

		@Override
		void reset() {
			if (this.connection != null) {
				try {
					this.connection.close();
				}
				catch (IOException ex) {
					// closing a connection that already failed: the request's failure is what is counted
				}
				this.connection = null;
			}
		}

		@Override
		public void close() throws Exception {
			reset();
			this.fallback.close();
		}

	}

}
