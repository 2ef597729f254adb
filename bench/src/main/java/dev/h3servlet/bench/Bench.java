package dev.h3servlet.bench;

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
import dev.h3servlet.development.DevelopmentCertificate;
import dev.h3servlet.test.Chromium;
import dev.h3servlet.test.NettyHttp3Client;
import org.eclipse.jetty.client.HttpClient;

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

	final Options options;

	final Load load;

	final Results results = new Results();

	final byte[] uploadBody = DataPattern.body(UPLOAD_BYTES);

	final String uploadSha256 = DataPattern.sha256Hex(this.uploadBody);

	Path keyStore;

	java.security.cert.X509Certificate certificate;

	private Bench(Options options) {
		this.options = options;
		this.load = new Load(options.client);
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("--webtransport")) {
			WebTransportRows.run(args);
			System.exit(0);
			return;
		}
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
				new AbComparison(this).run(Path.of(System.getProperty("java.home")));
			}
			else if (this.options.uploads > 0) {
				new Soak(this).run(Path.of(System.getProperty("java.home")), true, this.options.uploads);
			}
			else if (this.options.downloads > 0) {
				new Soak(this).run(Path.of(System.getProperty("java.home")), false, this.options.downloads);
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
				new BridgeOverhead(this).run(bridge, server, "Java " + Runtime.Version.parse(server.java).feature());
			}
		}
		if (this.options.spring && this.options.extras) {
			new SpringRows(this).run(javas.get(0).home);
		}
		if (this.options.netty) {
			new NettyPeer(this).run(javas.get(0).home, jettyH3.isEmpty() ? null : jettyH3.values().iterator().next());
		}
		if (this.options.extras) {
			new StartupRows(this).run(javas.get(0).home);
			// Last: its connections close in the background. A fresh server: the ones measured above still hold the
			// benchmark's closed connections.
			try (ServerProcess fresh = startJetty(javas.get(0).home, true)) {
				new IdleConnectionsRow(this).run(fresh);
			}
		}
	}

	private record JavaRun(Path home, double sequentialTarget) {
	}

	ServerProcess startJetty(Path javaHome, boolean h3) throws java.io.IOException {
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
	void measure(Section section, Map<Protocol, String> bases, double sequentialTarget, int bulkRepeats)
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
	Map<String, SmallRuns> interleaved(Map<String, SmallRequests> loads) throws Exception {
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
	static final class SmallRuns {

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

	static void closeAll(Iterable<SmallRequests> loads) throws Exception {
		for (SmallRequests load : loads) {
			load.close();
		}
	}

	/** Spring Boot arguments for a child app: loopback, port 0, TLS from the bench's key store. */
	static List<String> springBootTls(Path keyStore) {
		return List.of("--server.port=0", "--server.address=127.0.0.1", "--server.ssl.key-store=" + keyStore,
				"--server.ssl.key-store-password=" + PASSWORD, "--server.ssl.key-store-type=PKCS12");
	}

	static String base(int port) {
		return "https://127.0.0.1:" + port;
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

	SmallRequests smallRequests(Protocol protocol, String base) throws Exception {
		if (protocol == Protocol.H3) {
			java.net.URI uri = java.net.URI.create(base);
			return SmallRequests.netty(new NettyH3Load(uri.getPort(), this.certificate), uri.getPath() + "small");
		}
		return SmallRequests.jetty(this.load, protocol, base + "small");
	}

	/** The download and upload rows of h1 or h2, with Jetty's client. */
	void bulk(Section section, Protocol protocol, String base, int bulkRepeats) throws Exception {
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
	void bulkH3(Section section, java.net.URI base, int bulkRepeats) {
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
	static void failed(Section section, String what, Exception ex) {
		String note = what + " FAILED: " + ex;
		section.notes.add(note);
		progress("    " + note);
	}

	static Row row(Section section, String label, String unit, boolean higherIsBetter, Double target) {
		for (Row row : section.rows) {
			if (row.label.equals(label)) {
				return row;
			}
		}
		return section.row(label, unit, higherIsBetter, target);
	}

	static String format(Stats stats) {
		return String.format(Locale.ROOT, "median %.1f (min %.1f, max %.1f)", stats.median(), stats.min(), stats.max());
	}

	/** Prints a progress line, prefixed with the seconds since the run began (to see where a run's time goes). */
	static void progress(String text) {
		System.out.printf(Locale.ROOT, "[%4d s] %s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - BEGAN), text);
		System.out.flush();
	}

	static void deleteQuietly(Path directory) {
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
