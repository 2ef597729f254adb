package dev.h3servlet.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.bench.Load.Protocol;
import dev.h3servlet.bench.Results.Row;
import dev.h3servlet.bench.Results.Section;
import dev.h3servlet.bench.Results.Stats;
import dev.h3servlet.connector.DevelopmentCertificate;
import dev.h3servlet.connector.testing.Chromium;
import dev.h3servlet.connector.testing.NettyHttp3Client;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http3.client.HTTP3Client;

/**
 * The benchmark harness: starts each server in a child JVM (Jetty + h3servlet on Java 17 and, when present, Java 25;
 * Netty's HTTP/3 server as a peer) and measures it from this JVM with one client stack for all protocols. Prints a
 * table with the h3÷h2 ratios and writes {@code target/bench-results.json}. See bench/README.md.
 * <pre>
 * java -jar bench/target/h3servlet-bench.jar [--quick] [--uploads N | --downloads N] [--browser chromium]
 *      [--soak-mixed MINUTES [--plot FILE] | --overload [SECONDS]]
 *      [--no-java25] [--no-netty] [--java25 DIR] [--server key=value]... [--client key=value]... [--out FILE]
 * </pre>
 */
public final class Bench {

	static final String PASSWORD = "h3servlet-bench";

	static final int DOWNLOAD_MB = 100;

	static final int UPLOAD_BYTES = 10 * 1000 * 1000;

	static final int IDLE_CONNECTIONS = 1000;

	private static final long BEGAN = System.nanoTime();

	private final Options options;

	private final Load load;

	private final Results results = new Results();

	private final byte[] uploadBody = DataPattern.body(UPLOAD_BYTES);

	private final String uploadSha256 = DataPattern.sha256Hex(this.uploadBody);

	private Path keyStore;

	private java.security.cert.X509Certificate certificate;

	private Bench(Options options) {
		this.options = options;
		this.load = new Load(options.client);
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		int status = 1;
		try {
			new Bench(options).run();
			status = 0;
		}
		catch (Exception | Error ex) {
			ex.printStackTrace();
		}
		finally {
			// Client threads left by a failed measurement must not keep the JVM alive.
			System.exit(status);
		}
	}

	private void run() throws Exception {
		Instant began = Instant.now();
		Path directory = Files.createTempDirectory("h3servlet-bench");
		this.keyStore = directory.resolve("server.p12");
		this.certificate = DevelopmentCertificate.loadOrCreate(this.keyStore, PASSWORD, "CN=localhost", 2).certificate();
		this.results.info("date", began.toString());
		this.results.info("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name")
				+ " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
		this.results.info("client", "h1, h2: Jetty HttpClient 12.1.5; h3: Netty " + io.netty.util.Version.identify()
			.get("netty-codec-http3").artifactVersion() + " HTTP/3 client (quiche over JNI); in the harness JVM, Java "
				+ Runtime.version());
		this.results.info("repeats", this.options.repeats + " x " + this.options.measureMillis
				+ " ms after " + this.options.warmupMillis + " ms warm-up; cells are medians, JSON has min/median/max");
		this.results.info("server tuning", this.options.server.isEmpty() ? "defaults" : String.join(" ", this.options.server));
		this.results.info("client tuning", this.options.client.isEmpty() ? "defaults" : this.options.client.toString());
		try {
			if (this.options.ab != null) {
				abCompare(Path.of(System.getProperty("java.home")));
			}
			else if (this.options.uploads > 0) {
				soak(Path.of(System.getProperty("java.home")), true, this.options.uploads);
			}
			else if (this.options.downloads > 0) {
				soak(Path.of(System.getProperty("java.home")), false, this.options.downloads);
			}
			else if (this.options.soakMixedMinutes > 0) {
				new SoakMixed(this.load, this.keyStore, this.certificate, this.results, this.options.demoArgs)
					.run(Path.of(System.getProperty("java.home")), this.options.soakMixedMinutes, this.options.plot);
			}
			else if (this.options.overloadSeconds > 0) {
				new Overload(this.load, this.keyStore, this.certificate, this.results, this.options.demoArgs)
					.run(Path.of(System.getProperty("java.home")), this.options.overloadSeconds);
			}
			else {
				full();
			}
		}
		finally {
			this.results.info("duration", Duration.between(began, Instant.now()).toSeconds() + " s");
			System.out.println();
			System.out.println(this.results.table());
			this.results.writeJson(this.options.out);
			System.out.println("JSON: " + this.options.out.toAbsolutePath());
			deleteQuietly(directory);
		}
	}

	private void full() throws Exception {
		Map<String, Section> jettyH3 = new LinkedHashMap<>();
		List<JavaRun> javas = new ArrayList<>();
		javas.add(new JavaRun(Path.of(System.getProperty("java.home")), 0.5));
		if (this.options.java25 != null && Files.isExecutable(this.options.java25.resolve("bin/java"))) {
			javas.add(new JavaRun(this.options.java25, 0.7));
		}
		Section bridge = null;
		for (JavaRun java : javas) {
			try (ServerProcess server = startJetty(java.home, true)) {
				String title = "Jetty 12.1.5 + h3servlet (servlet via bridge), server Java " + server.java
						+ ", h3 transport " + server.binding;
				Section section = this.results.section(title, List.of("h1", "h2", "h3"), "h3", "h2");
				progress(title);
				Map<Protocol, String> bases = new LinkedHashMap<>();
				for (Protocol protocol : this.options.protocols) {
					int port = (protocol == Protocol.H3) ? server.h3Port : server.tlsPort;
					bases.put(protocol, "https://127.0.0.1:" + port + "/s/");
				}
				measure(section, bases, java.sequentialTarget, this.options.bulkRepeats);
				section.notes.add("h1 and h2: Jetty's HttpClient; h3: Netty's HTTP/3 client (NettyH3Load), whose headroom the "
						+ "peer table shows");
				section.notes.add("64 streams = 8 connections x 8 requests in flight (h1: 64 connections, it cannot "
						+ "multiplex); upload = POST of 10 MB, answered with its SHA-256");
				jettyH3.put(server.java, section);
				if (!this.options.extras) {
					continue;
				}
				if (bridge == null) {
					bridge = this.results.section("Bridge overhead over h3: servlet (via Http3BridgeHandler) vs raw "
							+ "Jetty Handler", List.of("raw", "servlet"), "servlet", "raw");
					bridge.notes.add("overhead % = (1 - servlet/raw) x 100 for req/s; target <= 5 %: ratio >= 0.95; "
							+ "server CPU per request (process CPU time over the window / requests): ratio <= 1.05");
				}
				bridgeOverhead(bridge, server, "Java " + Runtime.Version.parse(server.java).feature());
			}
		}
		if (this.options.spring && this.options.extras) {
			spring(javas.get(0).home);
		}
		if (this.options.netty) {
			netty(javas.get(0).home, jettyH3.isEmpty() ? null : jettyH3.values().iterator().next());
		}
		if (this.options.extras) {
			startup(javas.get(0).home);
			// Last: its connections close in the background. A fresh server: the ones measured above still hold the
			// benchmark's closed connections.
			try (ServerProcess fresh = startJetty(javas.get(0).home, true)) {
				idleConnections(fresh);
			}
		}
	}

	private record JavaRun(Path home, double sequentialTarget) {
	}

	private ServerProcess startJetty(Path javaHome, boolean h3) throws java.io.IOException {
		List<String> args = new ArrayList<>(List.of(this.keyStore.toString(), PASSWORD, Boolean.toString(h3)));
		args.addAll(this.options.server);
		List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC"));
		jvm.addAll(this.options.serverJvm);
		return ServerProcess.start(javaHome, BenchServer.class, jvm, args);
	}

	/**
	 * The five measurements for each protocol, each in its column of the section: first the small-request rows, every
	 * protocol warmed up and then their repeats interleaved (the first protocol of each round rotating), so that all see
	 * the same machine and the same drift; then the bulk transfers, one protocol after the other.
	 */
	private void measure(Section section, Map<Protocol, String> bases, double sequentialTarget, int bulkRepeats)
			throws Exception {
		List<Protocol> protocols = new ArrayList<>(bases.keySet());
		Map<String, SmallRequests> loads = new LinkedHashMap<>();
		Map<String, SmallRuns> runs;
		try {
			for (Protocol protocol : protocols) {
				loads.put(protocol.label, smallRequests(protocol, bases.get(protocol)));
			}
			runs = interleaved(loads);
		}
		finally {
			closeAll(loads.values());
		}
		for (Protocol protocol : protocols) {
			SmallRuns run = runs.get(protocol.label);
			run.addTo(section, protocol.label, "", sequentialTarget, 0.7);
			progress("  " + protocol.label + ": sequential " + format(Stats.of(run.perSecond)) + "; concurrent "
					+ format(Stats.of(run.concurrent)));
		}
		for (Protocol protocol : protocols) {
			if (protocol == Protocol.H3) {
				bulkH3(section, java.net.URI.create(bases.get(protocol)), bulkRepeats);
			}
			else {
				bulk(section, protocol, bases.get(protocol), bulkRepeats);
			}
		}
	}

	/**
	 * The small-request repeats of several loads: every load warmed up, then their repeats interleaved (the first load
	 * of each round rotating), so that all see the same machine, JIT state and drift.
	 */
	private Map<String, SmallRuns> interleaved(Map<String, SmallRequests> loads) throws Exception {
		Options o = this.options;
		List<String> labels = new ArrayList<>(loads.keySet());
		Map<String, SmallRuns> runs = new LinkedHashMap<>();
		progress("  warm-up " + labels);
		for (String label : labels) {
			loads.get(label).sequential(o.warmupMillis);
			loads.get(label).concurrent(o.warmupMillis);
			runs.put(label, new SmallRuns());
		}
		for (int i = 0; i < o.repeats; i++) {
			for (int k = 0; k < labels.size(); k++) {
				String label = labels.get((i + k) % labels.size());
				Load.Sequential run = loads.get(label).sequential(o.measureMillis);
				runs.get(label).perSecond.add(run.perSecond());
				runs.get(label).p50.add(run.p50Micros());
				runs.get(label).p99.add(run.p99Micros());
			}
			for (int k = 0; k < labels.size(); k++) {
				String label = labels.get((i + k) % labels.size());
				runs.get(label).concurrent.add(loads.get(label).concurrent(o.measureMillis));
			}
		}
		return runs;
	}

	/** The samples of one load's small-request repeats. */
	private static final class SmallRuns {

		final List<Double> perSecond = new ArrayList<>();

		final List<Double> p50 = new ArrayList<>();

		final List<Double> p99 = new ArrayList<>();

		final List<Double> concurrent = new ArrayList<>();

		/** Four rows ({@code prefix} + sequential GET, p50, p99, 64 streams), this load's cells in {@code column}. */
		void addTo(Section section, String column, String prefix, Double sequentialTarget, Double concurrentTarget) {
			row(section, prefix + "sequential GET", "req/s", true, sequentialTarget).put(column, Stats.of(this.perSecond));
			row(section, prefix + "sequential GET p50", "us", false, null).put(column, Stats.of(this.p50));
			row(section, prefix + "sequential GET p99", "us", false, null).put(column, Stats.of(this.p99));
			row(section, prefix + "64 streams / 8 connections", "req/s", true, concurrentTarget).put(column,
					Stats.of(this.concurrent));
		}

	}

	private static void closeAll(Iterable<SmallRequests> loads) throws Exception {
		for (SmallRequests load : loads) {
			load.close();
		}
	}

	/**
	 * Spring apps: the demo (Spring MVC on Boot's Jetty with the h3servlet starter, unchanged) over h2 and h3, its JSON
	 * endpoint and a static resource; and the peer a Spring user would otherwise pick for HTTP/3, WebFlux on Reactor
	 * Netty, answering the same JSON. Both fat jars run at once on the harness's Java; all loads interleaved.
	 */
	private void spring(Path javaHome) throws Exception {
		progress("Spring: the demo (Spring MVC + h3servlet) and WebFlux on Reactor Netty");
		List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC"));
		jvm.addAll(this.options.springJvm);
		List<String> tls = List.of("--server.port=0", "--server.address=127.0.0.1",
				"--server.ssl.key-store=" + this.keyStore, "--server.ssl.key-store-password=" + PASSWORD,
				"--server.ssl.key-store-type=PKCS12");
		Map<String, SmallRequests> loads = new LinkedHashMap<>();
		// The QUIC idle timeout of the peer (120 s): an h3 connection waits while the other loads take their turns,
		// longer than the 30 s default in a full run, and a connection closed by the server in between fails its load.
		List<String> demoArgs = new ArrayList<>(tls);
		demoArgs.add("--server.http3.idle-timeout=120s");
		try (ServerProcess demo = ServerProcess.startJar(javaHome, ServerProcess.demoJar(), jvm, demoArgs,
				ReadySignal.springBootLog("dev.h3servlet.demo.boot.DemoApplication"));
				ServerProcess webflux = ServerProcess.startJar(javaHome, ServerProcess.webFluxJar(), jvm, tls,
						ReadySignal.BENCH_READY)) {
			String json = "/api/info";
			String css = "/h3servlet.css";
			byte[] stylesheet = staticResource(demo, css);
			loads.put("mvc h2 json", SmallRequests.jetty(this.load, Protocol.H2, base(demo.tlsPort) + json,
					(response) -> jsonProblem(response.getStatus(), response.getContentAsString(), "HTTP/2.0")));
			loads.put("mvc h3 json", SmallRequests.netty(new NettyH3Load(demo.h3Port, this.certificate), json,
					(response) -> jsonProblem(response.status(), response.bodyAsString(), "HTTP/3.0")));
			loads.put("webflux h2 json", SmallRequests.jetty(this.load, Protocol.H2, base(webflux.tlsPort) + json,
					(response) -> jsonProblem(response.getStatus(), response.getContentAsString(), "HTTP/2.0")));
			loads.put("webflux h3 json", SmallRequests.netty(new NettyH3Load(webflux.h3Port, this.certificate), json,
					(response) -> jsonProblem(response.status(), response.bodyAsString(), "HTTP/3.0")));
			loads.put("mvc h2 static", SmallRequests.jetty(this.load, Protocol.H2, base(demo.tlsPort) + css,
					(response) -> staticProblem(response.getStatus(), response.getContent(), stylesheet)));
			loads.put("mvc h3 static", SmallRequests.netty(new NettyH3Load(demo.h3Port, this.certificate), css,
					(response) -> staticProblem(response.status(), response.body(), stylesheet)));
			Map<String, SmallRuns> runs = interleaved(loads);
			Section mvc = this.results.section("Spring MVC: the demo app (Spring Boot " + springBootVersion()
					+ ", its Jetty, the h3servlet starter; h3 transport " + demo.binding + "), server Java " + demo.java,
					List.of("h2", "h3"), "h3", "h2");
			runs.get("mvc h2 json").addTo(mvc, "h2", "JSON " + json + " ", 0.7, 0.6);
			runs.get("mvc h3 json").addTo(mvc, "h3", "JSON " + json + " ", 0.7, 0.6);
			runs.get("mvc h2 static").addTo(mvc, "h2", "static " + css + " ", 0.7, 0.6);
			runs.get("mvc h3 static").addTo(mvc, "h3", "static " + css + " ", 0.7, 0.6);
			mvc.notes.add("the JSON answer names the protocol Spring MVC saw, checked on every request; the static "
					+ "resource (" + stylesheet.length + " bytes) is compared byte for byte");
			Section peer = this.results.section("Spring over HTTP/3, the same JSON: Spring MVC + h3servlet vs Spring "
					+ "WebFlux on " + webflux.binding + " (its HTTP/3 server), server Java " + webflux.java,
					List.of("mvc-h3", "webflux-h3", "webflux-h2"), "mvc-h3", "webflux-h3");
			runs.get("mvc h3 json").addTo(peer, "mvc-h3", "", 1.0, 1.0);
			runs.get("webflux h3 json").addTo(peer, "webflux-h3", "", 1.0, 1.0);
			runs.get("webflux h2 json").addTo(peer, "webflux-h2", "", 1.0, 1.0);
			peer.notes.add("Spring Boot cannot switch Reactor Netty to HTTP/3: the peer serves its HttpHandler from a "
					+ "second Reactor Netty server (bench-webflux), with a Retry before each connection as ours");
		}
		catch (Exception ex) {
			failed(this.results.section("Spring", List.of("value"), null, null), "Spring rows", ex);
		}
		finally {
			closeAll(loads.values());
		}
	}

	/** The Spring Boot version the demo jar was built with (its manifest's {@code Spring-Boot-Version}). */
	private static String springBootVersion() throws java.io.IOException {
		try (java.util.jar.JarFile jar = new java.util.jar.JarFile(ServerProcess.demoJar().toFile())) {
			return jar.getManifest().getMainAttributes().getValue("Spring-Boot-Version");
		}
	}

	private static String base(int port) {
		return "https://127.0.0.1:" + port;
	}

	/** The static resource as the demo serves it over h2, to compare every later answer with. */
	private byte[] staticResource(ServerProcess demo, String path) throws Exception {
		HttpClient client = this.load.newClient(Protocol.H2, 1);
		try {
			ContentResponse response = client.GET(base(demo.tlsPort) + path);
			Load.check(response.getStatus() == 200 && response.getContent().length > 0,
					() -> path + " answered " + response.getStatus());
			return response.getContent();
		}
		finally {
			client.stop();
		}
	}

	static String jsonProblem(int status, String body, String protocol) {
		return (status == 200 && body.contains("\"protocol\":\"" + protocol + "\"")) ? null
				: "JSON answered " + status + ": " + body;
	}

	static String staticProblem(int status, byte[] body, byte[] expected) {
		return (status == 200 && java.util.Arrays.equals(body, expected)) ? null
				: "static resource answered " + status + " with " + body.length + " bytes, not the "
						+ expected.length + " expected";
	}

	private SmallRequests smallRequests(Protocol protocol, String base) throws Exception {
		if (protocol == Protocol.H3) {
			java.net.URI uri = java.net.URI.create(base);
			return SmallRequests.netty(new NettyH3Load(uri.getPort(), this.certificate), uri.getPath() + "small");
		}
		return SmallRequests.jetty(this.load, protocol, base + "small");
	}

	/** The download and upload rows of h1 or h2, with Jetty's client. */
	private void bulk(Section section, Protocol protocol, String base, int bulkRepeats) throws Exception {
		HttpClient client = this.load.newClient(protocol, 1);
		try {
			List<Double> download = new ArrayList<>();
			try {
				Load.download(client, base + "download", this.options.downloadBytes / 10, protocol);
				for (int i = 0; i < bulkRepeats; i++) {
					download.add(Load.download(client, base + "download", this.options.downloadBytes, protocol));
				}
			}
			catch (Exception ex) {
				failed(section, protocol.label + " download", ex);
			}
			row(section, this.options.downloadMb + " MB download", "MB/s", true, 0.5).put(protocol.label, Stats.of(download));
			progress("  " + protocol.label + ": download " + format(Stats.of(download)));
		}
		finally {
			client.stop();
		}
		client = this.load.newClient(protocol, 1);
		try {
			List<Double> upload = new ArrayList<>();
			try {
				Load.upload(client, base + "upload", this.uploadBody, this.uploadSha256, protocol, 30);
				for (int i = 0; i < bulkRepeats; i++) {
					Load.Transfer result = Load.upload(client, base + "upload", this.uploadBody, this.uploadSha256,
							protocol, 30);
					Load.check(result.intact(), () -> protocol.label + " upload failed: " + result);
					upload.add(result.megabytesPerSecond(UPLOAD_BYTES));
				}
			}
			catch (Exception ex) {
				failed(section, protocol.label + " upload", ex);
			}
			row(section, "10 MB upload", "MB/s", true, 0.5).put(protocol.label, Stats.of(upload));
			progress("  " + protocol.label + ": upload " + format(Stats.of(upload)));
		}
		finally {
			client.stop();
		}
	}

	/** The download and upload rows of h3, with {@link NettyH3Load} (Netty's HTTP/3 client). */
	private void bulkH3(Section section, java.net.URI base, int bulkRepeats) {
		Options o = this.options;
		String label = Protocol.H3.label;
		NettyH3Load h3 = new NettyH3Load(base.getPort(), this.certificate);
		String path = base.getPath();
		List<Double> download = new ArrayList<>();
		List<Double> upload = new ArrayList<>();
		try (NettyHttp3Client client = h3.connect()) {
			h3.download(client, path + "download", o.downloadBytes / 10);
			for (int i = 0; i < bulkRepeats; i++) {
				download.add(h3.download(client, path + "download", o.downloadBytes));
			}
		}
		catch (Exception ex) {
			failed(section, label + " download", ex);
		}
		try (NettyHttp3Client client = h3.connect()) {
			h3.upload(client, path + "upload", this.uploadBody, this.uploadSha256);
			for (int i = 0; i < bulkRepeats; i++) {
				upload.add(h3.upload(client, path + "upload", this.uploadBody, this.uploadSha256));
			}
		}
		catch (Exception ex) {
			failed(section, label + " upload", ex);
		}
		row(section, o.downloadMb + " MB download", "MB/s", true, 0.5).put(label, Stats.of(download));
		row(section, "10 MB upload", "MB/s", true, 0.5).put(label, Stats.of(upload));
		progress("  h3: download " + format(Stats.of(download)) + ", upload " + format(Stats.of(upload)));
	}

	/** A failed measurement leaves its cell empty and a note; the run goes on. */
	private static void failed(Section section, String what, Exception ex) {
		String note = what + " FAILED: " + ex;
		section.notes.add(note);
		progress("    " + note);
	}

	/**
	 * {@code --ab key=value,...}: two Jetty servers at once, A with the {@code --server} tuning and B with the change
	 * on top (entries starting with {@code -} are JVM options for B), measured over h3 with Netty's client in
	 * alternating repeats (so both see the same machine): B÷A is the change's effect.
	 */
	private void abCompare(Path javaHome) throws Exception {
		List<String> argsB = new ArrayList<>(List.of(this.keyStore.toString(), PASSWORD, "true"));
		argsB.addAll(this.options.server);
		List<String> jvmB = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC"));
		jvmB.addAll(this.options.serverJvm);
		List<String> change = List.of(this.options.ab.split(","));
		for (String entry : change) {
			(entry.startsWith("-") ? jvmB : argsB).add(entry);
		}
		try (ServerProcess a = startJetty(javaHome, true);
				ServerProcess b = ServerProcess.start(javaHome, BenchServer.class, jvmB, argsB);
				SmallRequests smallA = SmallRequests.netty(new NettyH3Load(a.h3Port, this.certificate), "/s/small");
				SmallRequests smallB = SmallRequests.netty(new NettyH3Load(b.h3Port, this.certificate), "/s/small")) {
			Section section = this.results.section("A/B over h3 (Netty's client), server Java " + a.java + ": B = A + "
					+ change, List.of("A", "B"), "B", "A");
			Map<String, List<List<Double>>> values = new LinkedHashMap<>();
			List<SmallRequests> small = List.of(smallA, smallB);
			for (SmallRequests server : small) {
				server.sequential(this.options.warmupMillis);
				server.concurrent(this.options.warmupMillis);
			}
			for (int i = 0; i < this.options.repeats; i++) {
				for (int column : (i % 2 == 0) ? new int[] { 0, 1 } : new int[] { 1, 0 }) {
					ServerProcess server = (column == 0) ? a : b;
					try {
						Load.Sequential seq = small.get(column).sequential(this.options.measureMillis);
						add(values, "sequential GET|req/s", column, seq.perSecond());
						add(values, "sequential GET p50|us", column, seq.p50Micros());
						add(values, "sequential GET p99|us", column, seq.p99Micros());
						add(values, "64 streams / 8 connections|req/s", column,
								small.get(column).concurrent(this.options.measureMillis));
						Section probe = new Section("", List.of(), null, null);
						bulkH3(probe, java.net.URI.create("https://127.0.0.1:" + server.h3Port + "/s/"),
								this.options.bulkRepeats);
						for (Row row : probe.rows) {
							Stats stats = row.values.values().iterator().next();
							add(values, row.label + "|" + row.unit, column,
									(stats.samples().length > 0) ? stats.median() : Double.NaN);
						}
						section.notes.addAll(probe.notes);
					}
					catch (Exception ex) {
						failed(section, (column == 0 ? "A" : "B") + " repeat " + (i + 1), ex);
					}
				}
				progress("  repeat " + (i + 1) + ": " + values);
			}
			values.forEach((key, columns) -> {
				String[] parts = key.split("\\|");
				section.row(parts[0], parts[1], !parts[1].equals("us"), null)
					.put("A", Stats.of(columns.get(0)))
					.put("B", Stats.of(columns.get(1)));
			});
		}
	}

	private static void add(Map<String, List<List<Double>>> values, String key, int column, double value) {
		values.computeIfAbsent(key, (k) -> List.of(new ArrayList<>(), new ArrayList<>())).get(column).add(value);
	}

	private static Row row(Section section, String label, String unit, boolean higherIsBetter, Double target) {
		for (Row row : section.rows) {
			if (row.label.equals(label)) {
				return row;
			}
		}
		return section.row(label, unit, higherIsBetter, target);
	}

	/**
	 * Raw handler and servlet over h3 in alternating one-second repeats, the order swapped every pair, so both see the
	 * same machine and the same drift (JIT, GC of the earlier bulk transfers): with 2 s repeats one after the other the
	 * ratio moved between 0.72 and 1.33 from run to run on an otherwise quiet machine.
	 */
	private void bridgeOverhead(Section section, ServerProcess server, String java) throws Exception {
		progress("  bridge overhead, " + java);
		String[] paths = { "/raw/small", "/s/small" };
		int pairs = Math.max(3, this.options.repeats * 3);
		long millis = Math.max(500, this.options.measureMillis / 2);
		List<List<Double>> sequential = List.of(new ArrayList<>(), new ArrayList<>());
		List<List<Double>> cpu = List.of(new ArrayList<>(), new ArrayList<>());
		NettyH3Load h3 = new NettyH3Load(server.h3Port, this.certificate);
		HttpClient probe = this.load.newClient(Protocol.H2, 1);
		String cpuUrl = "https://127.0.0.1:" + server.tlsPort + "/raw/cpu";
		try (NettyHttp3Client client = h3.connect()) {
			for (String path : paths) {
				h3.sequential(client, path, this.options.warmupMillis, 100_000);
			}
			for (int i = 0; i < pairs; i++) {
				for (int j = 0; j < 2; j++) {
					int which = (i % 2 == 0) ? j : 1 - j;
					long before = Long.parseLong(probe.GET(cpuUrl).getContentAsString().trim());
					Load.Sequential run = h3.sequential(client, paths[which], millis, 100_000);
					long after = Long.parseLong(probe.GET(cpuUrl).getContentAsString().trim());
					sequential.get(which).add(run.perSecond());
					cpu.get(which).add((after - before) / 1e3 / run.count());
				}
			}
		}
		finally {
			probe.stop();
		}
		List<List<Double>> concurrent = List.of(new ArrayList<>(), new ArrayList<>());
		List<NettyHttp3Client> connections = h3.connectAll(8);
		try {
			for (String path : paths) {
				h3.concurrent(connections, path, 8, this.options.warmupMillis);
			}
			for (int i = 0; i < pairs; i++) {
				for (int j = 0; j < 2; j++) {
					int which = (i % 2 == 0) ? j : 1 - j;
					concurrent.get(which).add(h3.concurrent(connections, paths[which], 8, millis));
				}
			}
		}
		finally {
			NettyH3Load.closeAll(connections);
		}
		section.row("sequential GET, " + java, "req/s", true, 0.95)
			.put("raw", Stats.of(sequential.get(0)))
			.put("servlet", Stats.of(sequential.get(1)));
		section.row("64 streams / 8 connections, " + java, "req/s", true, 0.95)
			.put("raw", Stats.of(concurrent.get(0)))
			.put("servlet", Stats.of(concurrent.get(1)));
		section.row("server CPU per sequential GET, " + java, "us", false, 1.05)
			.put("raw", Stats.of(cpu.get(0)))
			.put("servlet", Stats.of(cpu.get(1)));
		progress("    servlet÷raw sequential " + ratio(sequential) + ", 64 streams " + ratio(concurrent)
				+ ", server CPU per sequential GET " + ratio(cpu));
	}

	private static String ratio(List<List<Double>> rawAndServlet) {
		return String.format(Locale.ROOT, "%.2f", Stats.of(rawAndServlet.get(1)).median()
				/ Stats.of(rawAndServlet.get(0)).median());
	}

	/** Server heap after GC before and after opening {@value #IDLE_CONNECTIONS} idle h3 connections. */
	private void idleConnections(ServerProcess server) throws Exception {
		progress("  " + IDLE_CONNECTIONS + " idle h3 connections");
		HttpClient h2 = this.load.newClient(Protocol.H2, 1);
		try {
			String heapUrl = "https://127.0.0.1:" + server.tlsPort + "/raw/heap";
			long before = Long.parseLong(h2.GET(heapUrl).getContentAsString().trim());
			long start = System.nanoTime();
			Load.IdleConnections idle = this.load.openIdleConnections(new InetSocketAddress("127.0.0.1", server.h3Port),
					IDLE_CONNECTIONS, 120_000);
			double connectSeconds = (System.nanoTime() - start) / 1e9;
			progress(String.format(Locale.ROOT, "    %d open in %.1f s", idle.open(), connectSeconds));
			try {
				long after = Long.parseLong(h2.GET(heapUrl).getContentAsString().trim());
				Section section = this.results.section("Memory: " + idle.open() + " idle h3 connections, server Java "
						+ server.java, List.of("value"), null, null);
				section.row("server heap after GC, before", "MB", false, null).put("value", before / 1e6);
				section.row("server heap after GC, with connections", "MB", false, null).put("value", after / 1e6);
				section.row("heap per idle h3 connection", "KB", false, null).put("value",
						(idle.open() > 0) ? (after - before) / 1e3 / idle.open() : Double.NaN);
				section.row("time to open them (harness)", "s", false, null).put("value", connectSeconds);
				if (idle.failed() > 0) {
					section.notes.add(idle.failed() + " of " + IDLE_CONNECTIONS + " connections failed to open in time");
				}
			}
			finally {
				// Jetty's HTTP/3 client closes its connections one after the other (52 s for 1,000 here): this is the
				// run's last measurement, so they close in the background while the results are printed, and the
				// harness exits without waiting for them.
				Thread closer = new Thread(() -> {
					try {
						idle.client().stop();
					}
					catch (Exception ex) {
						// the JVM is exiting
					}
				}, "bench-idle-closer");
				closer.setDaemon(true);
				closer.start();
			}
		}
		catch (Exception ex) {
			failed(this.results.section("Memory: idle h3 connections", List.of("value"), null, null),
					"idle connections", ex);
		}
		finally {
			h2.stop();
		}
	}

	/** Netty's HTTP/3 server with the same client; the Jetty column is the h3 column of the first Jetty run. */
	private void netty(Path javaHome, Section jettySection) throws Exception {
		progress("Netty 4.2 HTTP/3 server (peer)");
		try (ServerProcess nettyServer = ServerProcess.start(javaHome, NettyBenchServer.class,
				List.of("-Xmx1g", "-XX:+UseParallelGC"), List.of(this.keyStore.toString(), PASSWORD))) {
			Section section = this.results.section("h3 peer: Jetty + h3servlet vs Netty 4.2.18 HTTP/3 server, both Java "
					+ nettyServer.java + ", same client", List.of("jetty-h3", "netty-h3"), "jetty-h3", "netty-h3");
			section.notes.add("jetty-h3 = the h3 column of the first table (measured earlier in the same run)");
			Section netty = new Section("", List.of("h3"), null, null);
			// One timed bulk transfer each (after the warm-up), to keep the run short.
			measure(netty, Map.of(Protocol.H3, "https://127.0.0.1:" + nettyServer.h3Port + "/s/"), 0, 1);
			section.notes.addAll(netty.notes);
			for (Row from : netty.rows) {
				Row row = section.row(from.label, from.unit, from.higherIsBetter, null);
				Row jetty = (jettySection != null) ? row(jettySection, from.label, from.unit, true, null) : null;
				if (jetty != null && jetty.values.get("h3") != null) {
					row.put("jetty-h3", jetty.values.get("h3"));
				}
				row.put("netty-h3", from.values.get("h3"));
			}
			headroom(section);
		}
	}

	/**
	 * The load generator's headroom, in every run: against Netty's own HTTP/3 server it must reach at least 1.5 times
	 * what it reaches against Jetty + h3servlet, or that row measured the client, and the table says so.
	 */
	private static void headroom(Section section) {
		for (Row row : section.rows) {
			Stats ours = row.values.get("jetty-h3");
			Stats peer = row.values.get("netty-h3");
			if (!row.higherIsBetter || ours == null || peer == null || ours.samples().length == 0
					|| peer.samples().length == 0) {
				continue;
			}
			double headroom = peer.median() / ours.median();
			String verdict = (headroom >= 1.5) ? "the client is not the limit" : "CLIENT-LIMITED: this row measured the load generator";
			String note = String.format(Locale.ROOT, "headroom, %s: the generator reached %.2fx against the peer (%s)",
					row.label, headroom, verdict);
			section.notes.add(note);
			progress("    " + note);
		}
	}

	/** Server.start() time and JVM-to-ready time, with and without the h3 connector, in fresh JVMs. */
	private void startup(Path javaHome) throws Exception {
		progress("start-up cost of h3");
		Section section = this.results.section("Start-up: Jetty server with vs without the h3 connector (fresh JVMs)",
				List.of("h1+h2", "h1+h2+h3"), "h1+h2+h3", "h1+h2");
		List<Double> startWithout = new ArrayList<>();
		List<Double> startWith = new ArrayList<>();
		List<Double> readyWithout = new ArrayList<>();
		List<Double> readyWith = new ArrayList<>();
		for (int i = 0; i < this.options.repeats; i++) {
			for (boolean h3 : new boolean[] { false, true }) {
				long begin = System.nanoTime();
				try (ServerProcess server = startJetty(javaHome, h3)) {
					double ready = (System.nanoTime() - begin) / 1e6;
					(h3 ? startWith : startWithout).add((double) server.startMillis);
					(h3 ? readyWith : readyWithout).add(ready);
				}
			}
		}
		section.row("Server.start()", "ms", false, null).put("h1+h2", Stats.of(startWithout)).put("h1+h2+h3", Stats.of(startWith));
		section.row("JVM launch to ready", "ms", false, null).put("h1+h2", Stats.of(readyWithout)).put("h1+h2+h3", Stats.of(readyWith));
		if (this.options.spring) {
			demoStartup(javaHome, section);
		}
	}

	/**
	 * The demo app started with {@code server.http3.enabled} false and true in turn: Boot's own measure of its start
	 * ({@code Started ... (process running for Y)}, the JVM's uptime when the application is ready).
	 */
	private void demoStartup(Path javaHome, Section section) {
		List<Double> without = new ArrayList<>();
		List<Double> with = new ArrayList<>();
		try {
			for (int i = 0; i < this.options.repeats; i++) {
				for (boolean h3 : new boolean[] { false, true }) {
					List<String> args = List.of("--server.port=0", "--server.address=127.0.0.1",
							"--server.ssl.key-store=" + this.keyStore, "--server.ssl.key-store-password=" + PASSWORD,
							"--server.ssl.key-store-type=PKCS12", "--server.http3.enabled=" + h3);
					try (ServerProcess demo = ServerProcess.startJar(javaHome, ServerProcess.demoJar(),
							List.of("-Xmx1g", "-XX:+UseParallelGC"), args,
							ReadySignal.springBootLog("dev.h3servlet.demo.boot.DemoApplication"))) {
						Load.check(h3 == (demo.h3Port > 0), () -> "the demo's HTTP/3 listener: " + demo.h3Port);
						(h3 ? with : without).add((double) demo.startMillis);
					}
				}
			}
		}
		catch (Exception ex) {
			failed(section, "demo start-up", ex);
		}
		section.row("demo app (Spring Boot): JVM start to Started", "ms", false, null)
			.put("h1+h2", Stats.of(without))
			.put("h1+h2+h3", Stats.of(with));
	}

	/**
	 * {@code --uploads N} / {@code --downloads N}: N transfers over h3, counting intact, stalled (no end within
	 * {@code --upload-timeout}) and otherwise failed ones, with the seconds per intact transfer and the wall time. With
	 * Netty's HTTP/3 client every transfer has a connection of its own; with {@code --browser chromium} headless
	 * Chromium makes them from a page ({@link BenchServer.BrowserPages}) in batches, a new process, and so a new QUIC
	 * connection, per batch. Bounded by the count and by {@code --soak-minutes}.
	 */
	private void soak(Path javaHome, boolean upload, int count) throws Exception {
		Options o = this.options;
		boolean chromium = o.browser != null;
		if (chromium && !Chromium.isInstalled()) {
			throw new IllegalStateException("--browser chromium: " + Chromium.NOT_INSTALLED);
		}
		int batch = !chromium ? 1 : (o.browserBatch > 0) ? o.browserBatch : upload ? 10 : 5;
		String what = upload ? "uploads of 10 MB" : "downloads of " + o.downloadMb + " MB";
		String how = chromium ? "headless Chromium (fetch from a page), a new process = a new QUIC connection per "
				+ "batch of " + batch + " transfers" : "Netty's HTTP/3 client, a new connection per transfer";
		progress(count + " " + what + " over h3 with " + how);
		try (ServerProcess server = startJetty(javaHome, true)) {
			SoakTally tally = new SoakTally();
			long began = System.nanoTime();
			long deadline = began + Duration.ofMinutes(o.soakMinutes).toNanos();
			if (chromium) {
				soakChromium(server.h3Port, upload, count, batch, deadline, tally);
			}
			else {
				NettyH3Load h3 = new NettyH3Load(server.h3Port, this.certificate);
				Duration timeout = Duration.ofSeconds(o.uploadTimeoutSeconds);
				while (tally.done < count && System.nanoTime() < deadline) {
					tally.add(upload ? h3.uploadOnce("/s/upload", this.uploadBody, this.uploadSha256, timeout)
							: h3.downloadOnce("/s/download", o.downloadBytes, timeout), "");
					if (tally.done % 10 == 0) {
						progress("  " + tally);
					}
				}
			}
			double wall = (System.nanoTime() - began) / 1e9;
			Section section = this.results.section((upload ? "Uploads: " : "Downloads: ") + tally.done + " of " + count
					+ " " + what + " over h3, server Java " + server.java + ", " + how, List.of("value"), null, null);
			section.row("intact", "count", true, null).put("value", tally.intact);
			section.row("stalled (no end in " + o.uploadTimeoutSeconds + " s)", "count", false, null)
				.put("value", tally.stalled);
			section.row("failed otherwise", "count", false, null).put("value", tally.done - tally.intact - tally.stalled);
			Stats stats = Stats.of(tally.seconds);
			section.row("time per intact transfer", "s", false, null).put("value", stats);
			section.row("wall time", "s", false, null).put("value", wall);
			section.notes.add((stats.samples().length == 0)
					? String.format(Locale.ROOT, "no intact transfer; wall time %.0f s", wall)
					: String.format(Locale.ROOT, "time per intact transfer (request to checked answer): min %.2f s, "
							+ "median %.2f s, max %.2f s; wall time %.0f s", stats.min(), stats.median(), stats.max(),
							wall));
			section.notes.addAll(tally.notes);
			if (tally.done < count) {
				section.notes.add("stopped after " + tally.done + ": --soak-minutes " + o.soakMinutes + " elapsed");
			}
			tally.failures.stream().limit(10).forEach(section.notes::add);
			progress("  " + tally + String.format(Locale.ROOT, " in %.0f s", wall));
		}
	}

	/**
	 * The transfers of {@code --browser chromium}: batches of {@code batch} transfers, each batch one headless Chromium
	 * process (forced onto QUIC for the server, trusting its key) that loads the page and prints its DOM, the results
	 * in it. The page bounds each transfer by {@code --upload-timeout}; the process is bounded too.
	 */
	private void soakChromium(int h3Port, boolean upload, int count, int batch, long deadline, SoakTally tally)
			throws Exception {
		Options o = this.options;
		String spki = DevelopmentCertificate.loadOrCreate(this.keyStore, PASSWORD, "CN=localhost", 2).spkiSha256Base64();
		Path work = Path.of("target", "chromium", (upload ? "uploads-" : "downloads-") + System.currentTimeMillis());
		long timeoutMillis = TimeUnit.SECONDS.toMillis(o.uploadTimeoutSeconds);
		String expectedAnswer = UPLOAD_BYTES + " " + this.uploadSha256;
		progress("  Chromium's output (DOM, log" + (o.browserNetLog ? ", net-log" : "") + ") in " + work.toAbsolutePath());
		for (int number = 1; tally.done < count && System.nanoTime() < deadline; number++) {
			int size = Math.min(batch, count - tally.done);
			String run = "b" + number + "-" + Long.toHexString(System.nanoTime());
			java.net.URI page = java.net.URI.create("https://127.0.0.1:" + h3Port + "/s/browser/page?mode="
					+ (upload ? "upload" : "download") + "&count=" + size + "&bytes="
					+ (upload ? UPLOAD_BYTES : o.downloadBytes) + "&timeoutMs=" + timeoutMillis + "&run=" + run);
			Path output = work.resolve("batch-" + number);
			String where = "batch " + number + " (" + output + ")";
			Chromium.Result result;
			long start = System.nanoTime();
			try {
				result = Chromium.forceQuicOn(page)
					.trustSpki(spki)
					.virtualTimeBudget(Duration.ZERO)
					.netLog(o.browserNetLog)
					.timeout(Duration.ofMillis(size * timeoutMillis + 120_000))
					.dumpDom(page, output);
			}
			catch (java.io.IOException ex) {
				double seconds = (System.nanoTime() - start) / 1e9;
				for (int i = 0; i < size; i++) {
					tally.add(new Load.Transfer(false, false, seconds, "no result: " + ex), where);
				}
				continue;
			}
			if (number == 1) {
				tally.notes.add("browser: " + result.textOf("agent") + "; page loaded over " + result.textOf("page"));
			}
			if (!"h3".equals(result.textOf("page"))) {
				tally.notes.add(where + ": the page itself loaded over " + result.textOf("page"));
			}
			Map<Integer, Load.Transfer> transfers = new LinkedHashMap<>();
			String lines = result.textOf("results");
			for (String line : (lines != null) ? lines.split("\n") : new String[0]) {
				String[] fields = line.trim().split(" ", 5);
				if (fields.length < 4 || !fields[0].matches("[0-9]+")) {
					continue;
				}
				String detail = (fields.length == 5) ? fields[4] : "";
				boolean intact = "intact".equals(fields[1]) && (!upload || detail.equals(expectedAnswer));
				String failure = ("-".equals(fields[3]) ? "" : "over " + fields[3] + ": ") + detail
						+ (upload ? " (expected " + expectedAnswer + ")" : "");
				transfers.put(Integer.parseInt(fields[0]), new Load.Transfer(intact, "stalled".equals(fields[1]),
						Double.parseDouble(fields[2]), intact ? null : failure));
			}
			for (int n = 1; n <= size; n++) {
				Load.Transfer transfer = transfers.get(n);
				tally.add((transfer != null) ? transfer : new Load.Transfer(false, false, Double.NaN, "no result in the "
						+ "page (state " + result.textOf("state") + ", end " + result.textOf("end") + ", exit code "
						+ result.exitCode() + ")"), where);
			}
			progress(String.format(Locale.ROOT, "  %s, batch %d in %.1f s", tally, number,
					(System.nanoTime() - start) / 1e9));
		}
	}

	/** The counts of a reliability run, and what went wrong. */
	private static final class SoakTally {

		int done;

		int intact;

		int stalled;

		/** Seconds of each intact transfer. */
		final List<Double> seconds = new ArrayList<>();

		final List<String> failures = new ArrayList<>();

		final List<String> notes = new ArrayList<>();

		void add(Load.Transfer transfer, String where) {
			this.done++;
			if (transfer.intact()) {
				this.intact++;
				this.seconds.add(transfer.seconds());
				return;
			}
			if (transfer.stalled()) {
				this.stalled++;
			}
			String failure = String.format(Locale.ROOT, "#%d%s %s after %.1f s: %s", this.done,
					where.isEmpty() ? "" : ", " + where, transfer.stalled() ? "STALLED" : "FAILED", transfer.seconds(),
					transfer.failure());
			this.failures.add(failure);
			progress("    " + failure);
		}

		@Override
		public String toString() {
			return this.done + " done: " + this.intact + " intact, " + this.stalled + " stalled, "
					+ (this.done - this.intact - this.stalled) + " failed";
		}

	}

	private static String format(Stats stats) {
		return String.format(Locale.ROOT, "median %.1f (min %.1f, max %.1f)", stats.median(), stats.min(), stats.max());
	}

	/** Prints a progress line, prefixed with the seconds since the run began (to see where a run's time goes). */
	static void progress(String text) {
		System.out.printf(Locale.ROOT, "[%4d s] %s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - BEGAN), text);
		System.out.flush();
	}

	private static void deleteQuietly(Path directory) {
		try (var files = Files.walk(directory)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (java.io.IOException ex) {
			System.err.println("Could not delete " + directory + ": " + ex);
		}
	}

	/** Command-line options. */
	static final class Options {

		int repeats = 3;

		int bulkRepeats = 2;

		long warmupMillis = 3000;

		long measureMillis = 2000;

		int uploads;

		int downloads;

		long soakMinutes = 15;

		int downloadMb = DOWNLOAD_MB;

		int downloadBytes = DOWNLOAD_MB * 1000 * 1000;

		long uploadTimeoutSeconds = 30;

		/** {@code --browser chromium}: the transfers of {@code --uploads}/{@code --downloads} made by headless Chromium. */
		String browser;

		/** Transfers per Chromium process (one QUIC connection); 0: 10 uploads or 5 downloads. */
		int browserBatch;

		boolean browserNetLog;

		boolean netty = true;

		boolean spring = true;

		boolean extras = true;


		String ab;

		List<Protocol> protocols = List.of(Protocol.values());

		Path java25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

		Path out = Path.of("target/bench-results.json");

		/** {@code --soak-mixed MINUTES}: mixed h1/h2/h3 load on the demo at 70 % of its peak ({@link SoakMixed}). */
		long soakMixedMinutes;

		/** The soak's PNG plot. */
		Path plot = Path.of("target/soak.png");

		/** {@code --overload [SECONDS]}: 4 x the demo's peak offered for that long ({@link Overload}). */
		int overloadSeconds;

		final List<String> server = new ArrayList<>();

		/** JVM options for the Jetty server's child JVM, e.g. a JFR recording ({@code --server-jvm -XX:StartFlightRecording=...}). */
		final List<String> serverJvm = new ArrayList<>();

		final Map<String, String> client = new LinkedHashMap<>();

		/** JVM options for the Spring tables' two apps, e.g. a profiler writing one file per process ({@code %p}). */
		final List<String> springJvm = new ArrayList<>();

		/** Spring Boot arguments for the demo app of --soak-mixed and --overload ({@code --demo-arg --name=value}). */
		final List<String> demoArgs = new ArrayList<>();

		static Options parse(String[] args) {
			Options options = new Options();
			for (int i = 0; i < args.length; i++) {
				switch (args[i]) {
					case "--quick" -> {
						options.repeats = 2;
						options.bulkRepeats = 1;
						options.warmupMillis = 500;
						options.measureMillis = 1000;
					}
					case "--uploads" -> options.uploads = Integer.parseInt(args[++i]);
					case "--downloads" -> options.downloads = Integer.parseInt(args[++i]);
					case "--soak-minutes" -> options.soakMinutes = Long.parseLong(args[++i]);
					case "--warmup-ms" -> options.warmupMillis = Long.parseLong(args[++i]);
					case "--download-mb" -> {
						options.downloadMb = Integer.parseInt(args[++i]);
						options.downloadBytes = options.downloadMb * 1000 * 1000;
					}
					case "--upload-timeout" -> options.uploadTimeoutSeconds = Long.parseLong(args[++i]);
					case "--browser" -> {
						options.browser = args[++i];
						if (!"chromium".equals(options.browser)) {
							throw new IllegalArgumentException("Browser '" + options.browser + "' (expected: chromium)");
						}
					}
					case "--browser-batch" -> options.browserBatch = Integer.parseInt(args[++i]);
					case "--browser-net-log" -> options.browserNetLog = true;
					case "--no-java25" -> options.java25 = null;
					case "--java25" -> options.java25 = Path.of(args[++i]);
					case "--no-netty" -> options.netty = false;
					case "--no-spring" -> options.spring = false;
					case "--protocols-only" -> options.extras = false;
					case "--ab" -> options.ab = args[++i];
					case "--protocols" -> options.protocols = java.util.Arrays.stream(args[++i].split(","))
						.map((label) -> Protocol.valueOf(label.toUpperCase(Locale.ROOT))).toList();
					case "--out" -> options.out = Path.of(args[++i]);
					case "--soak-mixed" -> options.soakMixedMinutes = Long.parseLong(args[++i]);
					case "--plot" -> options.plot = Path.of(args[++i]);
					case "--overload" -> options.overloadSeconds = (i + 1 < args.length && args[i + 1].matches("[0-9]+"))
							? Integer.parseInt(args[++i]) : 60;
					case "--server" -> options.server.add(args[++i]);
					case "--server-jvm" -> options.serverJvm.add(args[++i]);
					case "--demo-arg" -> options.demoArgs.add(args[++i]);
					case "--spring-jvm" -> options.springJvm.add(args[++i]);
					case "--client" -> {
						for (String setting : args[++i].split(",")) {
							String[] pair = setting.split("=", 2);
							if (pair.length != 2 || !pair[0].matches(
									"udpBufferSize|quic\\.(input|output)BufferSize|sessionMaxData|streamMaxData")
									|| !pair[1].matches("[0-9]+")) {
								throw new IllegalArgumentException("Client tuning '" + setting + "' (expected key=number, "
										+ "key one of udpBufferSize, quic.inputBufferSize, quic.outputBufferSize, "
										+ "sessionMaxData, streamMaxData)");
							}
							options.client.put(pair[0], pair[1]);
						}
					}
					default -> throw new IllegalArgumentException("Unknown option '" + args[i] + "'; see bench/README.md");
				}
			}
			if (options.browser != null && options.uploads <= 0 && options.downloads <= 0) {
				throw new IllegalArgumentException("--browser chromium makes the transfers of --uploads N or --downloads N:"
						+ " give one of them");
			}
			BenchTuning.parse(options.server.toArray(String[]::new), 0);
			if (options.ab != null) {
				BenchTuning.parse(java.util.Arrays.stream(options.ab.split(","))
					.filter((entry) -> !entry.startsWith("-"))
					.toArray(String[]::new), 0);
			}
			return options;
		}

	}

}
