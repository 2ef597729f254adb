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
import dev.h3servlet.connector.testing.NettyHttp3Client;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http3.client.HTTP3Client;

/**
 * The benchmark harness: starts each server in a child JVM (Jetty + h3servlet on Java 17 and, when present, Java 25;
 * Netty's HTTP/3 server as a peer) and measures it from this JVM with one client stack for all protocols. Prints a
 * table with the h3÷h2 ratios and writes {@code target/bench-results.json}. See bench/README.md.
 * <pre>
 * java -jar bench/target/h3servlet-bench.jar [--quick] [--uploads N | --downloads N] [--no-java25] [--no-netty]
 *      [--java25 DIR] [--server key=value]... [--client key=value]... [--out FILE]
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
		Options o = this.options;
		List<Protocol> protocols = new ArrayList<>(bases.keySet());
		Map<Protocol, SmallRequests> loads = new LinkedHashMap<>();
		Map<Protocol, List<List<Double>>> values = new LinkedHashMap<>();
		try {
			for (Protocol protocol : protocols) {
				loads.put(protocol, smallRequests(protocol, bases.get(protocol)));
				values.put(protocol, List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
			}
			progress("  warm-up " + protocols);
			for (Protocol protocol : protocols) {
				loads.get(protocol).sequential(o.warmupMillis);
				loads.get(protocol).concurrent(o.warmupMillis);
			}
			for (int i = 0; i < o.repeats; i++) {
				for (int k = 0; k < protocols.size(); k++) {
					Protocol protocol = protocols.get((i + k) % protocols.size());
					Load.Sequential run = loads.get(protocol).sequential(o.measureMillis);
					values.get(protocol).get(0).add(run.perSecond());
					values.get(protocol).get(1).add(run.p50Micros());
					values.get(protocol).get(2).add(run.p99Micros());
				}
				for (int k = 0; k < protocols.size(); k++) {
					Protocol protocol = protocols.get((i + k) % protocols.size());
					values.get(protocol).get(3).add(loads.get(protocol).concurrent(o.measureMillis));
				}
			}
		}
		finally {
			for (SmallRequests load : loads.values()) {
				load.close();
			}
		}
		for (Protocol protocol : protocols) {
			List<List<Double>> v = values.get(protocol);
			row(section, "sequential GET", "req/s", true, sequentialTarget).put(protocol.label, Stats.of(v.get(0)));
			row(section, "sequential GET p50", "us", false, null).put(protocol.label, Stats.of(v.get(1)));
			row(section, "sequential GET p99", "us", false, null).put(protocol.label, Stats.of(v.get(2)));
			row(section, "64 streams / 8 connections", "req/s", true, 0.7).put(protocol.label, Stats.of(v.get(3)));
			progress("  " + protocol.label + ": sequential " + format(Stats.of(v.get(0))) + "; concurrent "
					+ format(Stats.of(v.get(3))));
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
	 * on top, measured over h3 in alternating repeats (so both see the same machine): B÷A is the change's effect.
	 */
	private void abCompare(Path javaHome) throws Exception {
		List<String> change = List.of(this.options.ab.split(","));
		List<String> argsB = new ArrayList<>(List.of(this.keyStore.toString(), PASSWORD, "true"));
		argsB.addAll(this.options.server);
		argsB.addAll(change);
		try (ServerProcess a = startJetty(javaHome, true);
				ServerProcess b = ServerProcess.start(javaHome, BenchServer.class, List.of("-Xmx1g", "-XX:+UseParallelGC"),
						argsB)) {
			Section section = this.results.section("A/B over h3, server Java " + a.java + ": B = A + " + change,
					List.of("A", "B"), "B", "A");
			Map<String, List<List<Double>>> values = new LinkedHashMap<>();
			for (int i = 0; i < this.options.repeats; i++) {
				for (ServerProcess server : List.of(a, b)) {
					int column = (server == a) ? 0 : 1;
					String base = "https://127.0.0.1:" + server.h3Port + "/s/";
					HttpClient client = this.load.newClient(Protocol.H3, 1);
					try {
						if (i == 0) {
							Load.sequential(client, base + "small", this.options.warmupMillis, 100_000, Protocol.H3);
						}
						Load.Sequential seq = Load.sequential(client, base + "small", this.options.measureMillis, 100_000,
								Protocol.H3);
						add(values, "sequential GET|req/s", column, seq.perSecond());
						add(values, "sequential GET p50|us", column, seq.p50Micros());
						add(values, this.options.downloadMb + " MB download|MB/s", column,
								Load.download(client, base + "download", this.options.downloadBytes, Protocol.H3));
						Load.Transfer upload = Load.upload(client, base + "upload", this.uploadBody, this.uploadSha256,
								Protocol.H3, 30);
						add(values, "10 MB upload|MB/s", column,
								upload.intact() ? upload.megabytesPerSecond(UPLOAD_BYTES) : Double.NaN);
						if (!upload.intact()) {
							section.notes.add((column == 0 ? "A" : "B") + " upload failed: " + upload.failure());
						}
						Section probe = new Section("", List.of(), null, null);
						bulkH3(probe, java.net.URI.create("https://127.0.0.1:" + server.h3Port + "/s/"),
								this.options.bulkRepeats);
						for (Row row : probe.rows) {
							Stats stats = row.values.values().iterator().next();
							add(values, row.label + " (netty client)|" + row.unit, column,
									(stats.samples().length > 0) ? stats.median() : Double.NaN);
						}
						section.notes.addAll(probe.notes);
					}
					catch (Exception ex) {
						failed(section, (column == 0 ? "A" : "B") + " repeat " + (i + 1), ex);
					}
					finally {
						client.stop();
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
	}

	/**
	 * {@code --uploads N} / {@code --downloads N}: N transfers over h3 with Jetty's client, each on a new connection;
	 * counts intact, stalled and otherwise failed ones. Bounded by the count and by {@code --soak-minutes}.
	 */
	private void soak(Path javaHome, boolean upload, int count) throws Exception {
		String what = upload ? "uploads of 10 MB" : "downloads of " + this.options.downloadMb + " MB";
		progress(count + " " + what + " over h3, one new connection each");
		try (ServerProcess server = startJetty(javaHome, true)) {
			String url = "https://127.0.0.1:" + server.h3Port + (upload ? "/s/upload" : "/s/download");
			int intact = 0;
			int stalled = 0;
			List<Double> seconds = new ArrayList<>();
			List<String> failures = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofMinutes(this.options.soakMinutes).toNanos();
			int done = 0;
			for (; done < count && System.nanoTime() < deadline; done++) {
				HttpClient client = this.load.newClient(Protocol.H3, 1);
				try {
					Load.Transfer transfer = upload
							? Load.upload(client, url, this.uploadBody, this.uploadSha256, Protocol.H3,
									this.options.uploadTimeoutSeconds)
							: Load.downloadOnce(client, url, this.options.downloadBytes, Protocol.H3,
									this.options.uploadTimeoutSeconds);
					seconds.add(transfer.seconds());
					if (transfer.intact()) {
						intact++;
					}
					else {
						failures.add("#" + (done + 1) + ": " + transfer.failure());
					}
					if (transfer.stalled()) {
						stalled++;
					}
				}
				finally {
					client.stop();
				}
				if ((done + 1) % 20 == 0) {
					progress("  " + (done + 1) + " done, " + intact + " intact, " + stalled + " stalled");
				}
			}
			Section section = this.results.section((upload ? "Uploads: " : "Downloads: ") + done + " of " + count
					+ " " + what + " over h3, server Java " + server.java + ", one new connection each",
					List.of("value"), null, null);
			section.row("intact", "count", true, null).put("value", intact);
			section.row("stalled (no end in " + this.options.uploadTimeoutSeconds + " s)", "count", false, null)
				.put("value", stalled);
			section.row("failed otherwise", "count", false, null).put("value", done - intact - stalled);
			section.row("time per transfer", "s", false, null).put("value", Stats.of(seconds));
			Stats stats = Stats.of(seconds);
			section.notes.add(String.format(Locale.ROOT, "time per transfer: min %.2f s, median %.2f s, max %.2f s",
					stats.min(), stats.median(), stats.max()));
			if (done < count) {
				section.notes.add("stopped after " + done + ": --soak-minutes " + this.options.soakMinutes + " elapsed");
			}
			failures.stream().limit(10).forEach(section.notes::add);
		}
	}

	private static String format(Stats stats) {
		return String.format(Locale.ROOT, "median %.1f (min %.1f, max %.1f)", stats.median(), stats.min(), stats.max());
	}

	/** Prints a progress line, prefixed with the seconds since the run began (to see where a run's time goes). */
	private static void progress(String text) {
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

		boolean netty = true;

		boolean extras = true;


		String ab;

		List<Protocol> protocols = List.of(Protocol.values());

		Path java25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

		Path out = Path.of("target/bench-results.json");

		final List<String> server = new ArrayList<>();

		/** JVM options for the Jetty server's child JVM, e.g. a JFR recording ({@code --server-jvm -XX:StartFlightRecording=...}). */
		final List<String> serverJvm = new ArrayList<>();

		final Map<String, String> client = new LinkedHashMap<>();

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
					case "--no-java25" -> options.java25 = null;
					case "--java25" -> options.java25 = Path.of(args[++i]);
					case "--no-netty" -> options.netty = false;
					case "--protocols-only" -> options.extras = false;
					case "--ab" -> options.ab = args[++i];
					case "--protocols" -> options.protocols = java.util.Arrays.stream(args[++i].split(","))
						.map((label) -> Protocol.valueOf(label.toUpperCase(Locale.ROOT))).toList();
					case "--out" -> options.out = Path.of(args[++i]);
					case "--server" -> options.server.add(args[++i]);
					case "--server-jvm" -> options.serverJvm.add(args[++i]);
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
			BenchTuning.parse(options.server.toArray(String[]::new), 0);
			if (options.ab != null) {
				BenchTuning.parse(options.ab.split(","), 0);
			}
			return options;
		}

	}

}
