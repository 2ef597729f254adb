package dev.h3servlet.bench;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.h3servlet.bench.Load.Protocol;
import dev.h3servlet.bench.MixedLoad.Kind;
import dev.h3servlet.bench.MixedLoad.Outcome;
import dev.h3servlet.bench.Results.Section;
import dev.h3servlet.test.NettyHttp3Client;
import org.eclipse.jetty.client.HttpClient;

/**
 * {@code --overload SECONDS}: the demo app offered {@value #FACTOR} times its peak for that long, to see whether it
 * sheds load and how it comes back. It measures the peak as {@link SoakMixed} does, then offers {@value #FACTOR} x the
 * peak open-loop (paced arrivals split evenly across h1, h2 and h3 that do not wait for answers; at most
 * {@value #MAX_IN_FLIGHT} outstanding, arrivals beyond that counted as not offered) while a health check of its own
 * (one h2 connection, one h3 connection) GETs the demo's health check ({@code /api/health}) every
 * {@value #HEALTH_PERIOD_MILLIS} ms. When the arrivals stop it measures recovery as a user arriving then sees it: the
 * time until a health check answers on both connections within {@value #HEALTHY_MILLIS} ms again, and then until a
 * {@value #RECOVERY_RUN_MILLIS} ms closed-loop run of new clients reaches {@value #RECOVERED_PERCENT} % of the peak
 * (target: within {@value #RECOVERY_TARGET_SECONDS} s), with the time the overload's own clients took to work off
 * their backlog beside it. Every request ends in
 * one {@link Kind}: answered and checked, shed (a status such as 503, a stream refused or reset before its response,
 * the server's QUIC stream limit), timed out, not offered, or lost after acceptance (response headers arrived, then
 * the body was cut, reset or did not end). The server is not changed: if it does not shed, the numbers say so.
 */
final class Overload {

	static final int FACTOR = 4;

	static final int MAX_IN_FLIGHT = 10_000;

	static final long HEALTH_PERIOD_MILLIS = 500;

	static final long HEALTHY_MILLIS = 100;

	static final long RECOVERY_RUN_MILLIS = 1_000;

	static final int RECOVERED_PERCENT = 90;

	static final long RECOVERY_TARGET_SECONDS = 5;

	/** How long recovery is waited for before it is reported as not reached. */
	static final long RECOVERY_LIMIT_SECONDS = 60;

	/** Health checks on the idle server before the overload, for comparison. */
	static final long BASELINE_MILLIS = 3_000;

	private static final long PROGRESS_SECONDS = 5;

	private final Load load;

	private final Path keyStore;

	/** Spring Boot arguments for the demo ({@code --demo-arg}), after the bench's own. */
	private final List<String> demoArgs;

	private final X509Certificate certificate;

	private final Results results;

	Overload(Load load, Path keyStore, X509Certificate certificate, Results results, List<String> demoArgs) {
		this.demoArgs = List.copyOf(demoArgs);
		this.load = load;
		this.keyStore = keyStore;
		this.certificate = certificate;
		this.results = results;
	}

	void run(Path javaHome, int seconds) throws Exception {
		Bench.progress("overload: the demo app offered " + FACTOR + " x its peak open-loop for " + seconds
				+ " s (h1 + h2 + h3), health checks every " + HEALTH_PERIOD_MILLIS + " ms, then recovery");
		try (ServerProcess demo = MixedLoad.startDemo(javaHome, this.keyStore, this.demoArgs);
				ServerMetrics metrics = ServerMetrics.attach(demo.pid());
				MixedLoad mixed = MixedLoad.open(this.load, demo, this.certificate, MAX_IN_FLIGHT)) {
			String server = MixedLoad.describeDemo(demo, this.demoArgs);
			Bench.progress("  " + server + "; peak: " + SoakMixed.WARMUP_MILLIS + " ms warm-up, then "
					+ SoakMixed.PEAK_MILLIS + " ms closed loop");
			mixed.closedLoop(SoakMixed.WARMUP_MILLIS);
			Map<Protocol, Double> peak = mixed.closedLoop(SoakMixed.PEAK_MILLIS);
			double peakTotal = MixedLoad.total(peak);
			Map<Protocol, Double> rates = new EnumMap<>(Protocol.class);
			for (Protocol protocol : Protocol.values()) {
				rates.put(protocol, peakTotal * FACTOR / Protocol.values().length);
			}
			ServerMetrics.Sample before = metrics.sample();
			// Opened now: an idle connection would close after the server's idle timeout (30 s by default).
			try (HealthCheck health = HealthCheck.open(this.load, demo, this.certificate, mixed.stylesheet)) {
				overload(server, seconds, mixed, metrics, health, peak, rates, before,
						() -> mixed.openMore(this.load, demo, this.certificate, MAX_IN_FLIGHT));
			}
		}
	}

	/** Opens new clients: the users who arrive once the overload is over. */
	@FunctionalInterface
	private interface NewClients {

		MixedLoad open() throws Exception;

	}

	private void overload(String server, int seconds, MixedLoad mixed, ServerMetrics metrics, HealthCheck health,
			Map<Protocol, Double> peak, Map<Protocol, Double> rates, ServerMetrics.Sample before, NewClients newClients)
			throws Exception {
		double peakTotal = MixedLoad.total(peak);
		health.start();
		Bench.progress(String.format(Locale.ROOT, "  peak %,.0f req/s; health checks for %d ms on the idle server",
				peakTotal, BASELINE_MILLIS));
		TimeUnit.MILLISECONDS.sleep(BASELINE_MILLIS);
		Bench.progress(String.format(Locale.ROOT, "  offering %,.0f req/s (%,.0f each) for %d s",
				MixedLoad.total(rates), rates.get(Protocol.H1), seconds));
		Arrivals arrivals = mixed.arrivals(rates, TimeUnit.SECONDS.toMillis(seconds), MAX_IN_FLIGHT);
		watch(arrivals, health, seconds);
		arrivals.awaitArrivalsEnd();
		long start = arrivals.startNanos();
		long end = arrivals.endNanos();
		Map<Protocol, Long> answeredInWindow = new EnumMap<>(Protocol.class);
		arrivals.tallies.forEach((protocol, tally) -> answeredInWindow.put(protocol, tally.count(Kind.OK)));
		Bench.progress("  arrivals stopped; " + arrivals.summary() + "; recovery, measured with new clients:");
		Recovery recovery;
		try (MixedLoad fresh = newClients.open()) {
			recovery = recover(fresh, health, end, peakTotal);
		}
		boolean drained = arrivals.awaitOutstanding(TimeUnit.SECONDS.toMillis(MixedLoad.TIMEOUT_SECONDS + 20));
		// The overload's own clients' backlog (arrivals accepted but not yet sent, or sent and not yet answered).
		double backlogSeconds = drained ? Math.max(0, arrivals.lastEndedNanos() - end) / 1e9 : Double.NaN;
		Bench.progress(String.format(Locale.ROOT, "    the overload's clients' backlog drained after %.1f s",
				backlogSeconds));
		health.stop();
		long healthEnd = System.nanoTime();
		ServerMetrics.Sample after = metrics.sample();
		report(server, seconds, peak, rates, mixed, arrivals, answeredInWindow, (end - start) / 1e9, backlogSeconds,
				health, start, end, healthEnd, recovery, before, after);
	}

	/** Progress lines while the arrivals run: per interval, what was answered and what failed. */
	private static void watch(Arrivals arrivals, HealthCheck health, int seconds) throws InterruptedException {
		Map<Protocol, long[]> last = new EnumMap<>(Protocol.class);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 30);
		long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(PROGRESS_SECONDS);
		while (arrivals.arriving() && System.nanoTime() < deadline) {
			TimeUnit.MILLISECONDS.sleep(100);
			if (System.nanoTime() < next) {
				continue;
			}
			next += TimeUnit.SECONDS.toNanos(PROGRESS_SECONDS);
			StringBuilder line = new StringBuilder("    ");
			arrivals.tallies.forEach((protocol, tally) -> {
				long[] counts = { tally.count(Kind.OK), tally.failures() - tally.count(Kind.NOT_OFFERED),
						tally.count(Kind.NOT_OFFERED) };
				long[] before = last.getOrDefault(protocol, new long[3]);
				last.put(protocol, counts);
				line.append(String.format(Locale.ROOT, "%s %,.0f ok/s %,d failed %,d not offered; ", protocol.label,
						(counts[0] - before[0]) / (double) PROGRESS_SECONDS, counts[1] - before[1], counts[2] - before[2]));
			});
			line.append(String.format(Locale.ROOT, "%,d in flight; health %s", arrivals.inFlight(), health.latest()));
			Bench.progress(line.toString());
		}
	}

	/** When the server answered a health check quickly again, and when new clients got its peak again. */
	private record Recovery(double healthySeconds, double throughputSeconds, List<String> runs) {

		double seconds() {
			return Math.max(this.healthySeconds, this.throughputSeconds);
		}

	}

	/**
	 * Recovery as users who come after the overload see it: health checks on their own connections, then closed-loop
	 * runs on new clients (new connections), while the server still works off what the overload's clients had queued.
	 * Those clients are not used: their requests wait behind their own queues (up to {@value #MAX_IN_FLIGHT} accepted
	 * arrivals, most of them not yet sent), which measures the generator's backlog, reported beside it.
	 */
	private static Recovery recover(MixedLoad fresh, HealthCheck health, long end, double peakTotal)
			throws InterruptedException {
		long deadline = end + TimeUnit.SECONDS.toNanos(RECOVERY_LIMIT_SECONDS);
		double healthy = Double.NaN;
		while (System.nanoTime() < deadline && Double.isNaN(healthy = health.firstHealthyAfter(end))) {
			TimeUnit.MILLISECONDS.sleep(50);
		}
		Bench.progress(String.format(Locale.ROOT, "    health checks under %d ms after %.1f s", HEALTHY_MILLIS, healthy));
		double throughput = Double.NaN;
		List<String> runs = new ArrayList<>();
		while (!Double.isNaN(healthy) && System.nanoTime() < deadline) {
			long runStart = System.nanoTime();
			double at = (runStart - end) / 1e9;
			String run;
			try {
				double total = MixedLoad.total(fresh.closedLoop(RECOVERY_RUN_MILLIS));
				run = String.format(Locale.ROOT, "%.1f s to %.1f s: %,.0f req/s (%.0f %% of the peak)", at,
						(System.nanoTime() - end) / 1e9, total, 100 * total / peakTotal);
				if (total >= peakTotal * RECOVERED_PERCENT / 100) {
					throughput = (System.nanoTime() - end) / 1e9;
				}
			}
			catch (IllegalStateException ex) {
				run = String.format(Locale.ROOT, "%.1f s: failed (%s)", at, ex.getMessage());
			}
			runs.add(run);
			Bench.progress("    closed loop from " + run);
			if (!Double.isNaN(throughput)) {
				break;
			}
			// A run that failed at once (a dead connection) is not retried faster than a run lasts.
			long left = runStart + TimeUnit.MILLISECONDS.toNanos(RECOVERY_RUN_MILLIS) - System.nanoTime();
			if (left > 0) {
				TimeUnit.NANOSECONDS.sleep(left);
			}
		}
		return new Recovery(healthy, throughput, runs);
	}

	private void report(String server, int seconds, Map<Protocol, Double> peak, Map<Protocol, Double> rates,
			MixedLoad mixed, Arrivals arrivals, Map<Protocol, Long> answeredInWindow, double window,
			double backlogSeconds, HealthCheck health, long start, long end, long healthEnd, Recovery recovery, ServerMetrics.Sample before,
			ServerMetrics.Sample after) {
		Section load = this.results.section("Overload: " + FACTOR + " x the peak offered open-loop for " + seconds
				+ " s, h1 + h2 + h3, on the " + server, List.of("h1", "h2", "h3", "total"), null, null);
		Map<Protocol, MixedLoad.Tally> tallies = arrivals.tallies;
		Map<Protocol, MixedLoad.Interval> all = new EnumMap<>(Protocol.class);
		tallies.forEach((protocol, tally) -> all.put(protocol, tally.interval()));
		row(load, "peak (closed loop, before)", "req/s", (p) -> peak.get(p));
		row(load, "arrivals asked (" + FACTOR + " x peak, even split)", "req/s", (p) -> rates.get(p));
		row(load, "offered (sent to the client)", "req/s",
				(p) -> (tallies.get(p).total() - tallies.get(p).count(Kind.NOT_OFFERED)) / window);
		row(load, "answered (checked), during the overload", "req/s", (p) -> answeredInWindow.get(p) / window);
		row(load, "answered (checked), in all", "count", (p) -> tallies.get(p).count(Kind.OK));
		row(load, "not offered (generator's bounds)", "count",
				(p) -> tallies.get(p).count(Kind.NOT_OFFERED));
		row(load, "shed: status 503", "count", (p) -> detailCount(tallies.get(p), Kind.STATUS, "status 503"));
		row(load, "shed: other statuses", "count",
				(p) -> tallies.get(p).count(Kind.STATUS) - detailCount(tallies.get(p), Kind.STATUS, "status 503"));
		row(load, "shed: refused/reset before headers", "count", (p) -> tallies.get(p).count(Kind.REFUSED));
		row(load, "h3 stream limit: waited, never sent", "count",
				(p) -> tallies.get(p).count(Kind.LIMITED));
		row(load, "timeouts (no headers in " + MixedLoad.TIMEOUT_SECONDS + " s)", "count",
				(p) -> tallies.get(p).count(Kind.TIMEOUT));
		row(load, "LOST accepted requests", "count", (p) -> tallies.get(p).count(Kind.LOST));
		latencyRow(load, "answered: p50 latency", all, (interval) -> interval.percentileMillis(0.5));
		latencyRow(load, "answered: p99 latency", all, (interval) -> interval.percentileMillis(0.99));
		latencyRow(load, "answered: max latency", all, MixedLoad.Interval::maxMillis);
		load.notes.add("latency from each arrival's scheduled time to its checked answer; h1: Jetty's client with "
				+ MixedLoad.H1_CONNECTIONS + " connections queues the rest itself (up to " + MAX_IN_FLIGHT + "), h2: "
				+ MixedLoad.CONNECTIONS + " connections, Jetty's client queues streams above the server's "
				+ "MAX_CONCURRENT_STREAMS; h3: " + MixedLoad.CONNECTIONS + " connections of Netty's client, requests "
				+ "above the server's QUIC stream limit (MAX_STREAMS) wait for it likewise: "
				+ String.format(Locale.ROOT, "%,d", mixed.h3StreamWaits()) + " h3 requests waited, those still waiting "
				+ "after " + MixedLoad.TIMEOUT_SECONDS + " s are 'held back ... never sent'");
		load.notes.add("lost accepted = response headers arrived, then the stream was reset, the connection failed, "
				+ "the body was shorter than its content-length or wrong, or the response did not end within "
				+ MixedLoad.TIMEOUT_SECONDS + " s: h1/h2 from Jetty's onHeaders before a failed result, h3 from the "
				+ "HEADERS frame before a reset (QuicStreamResetException, with its H3 code) or an early end");
		for (Protocol protocol : Protocol.values()) {
			tallies.get(protocol).details().forEach((detail, count) -> load.notes.add(
					String.format(Locale.ROOT, "  %s %,d x %s", protocol.label, count, detail)));
		}
		if (Double.isNaN(backlogSeconds)) {
			load.notes.add(arrivals.inFlight() + " requests were still outstanding " + (MixedLoad.TIMEOUT_SECONDS + 20)
					+ " s after the recovery: counted nowhere above");
		}

		Section checks = this.results.section("Overload: health checks, GET " + MixedLoad.HEALTH + " every "
				+ HEALTH_PERIOD_MILLIS + " ms on their own connections", List.of("h2", "h3"), null, null);
		long baselineStart = start - TimeUnit.MILLISECONDS.toNanos(BASELINE_MILLIS);
		String[] phases = { "idle", "overload", "after" };
		long[][] bounds = { { baselineStart, start }, { start, end }, { end, healthEnd } };
		for (int i = 0; i < phases.length; i++) {
			Map<Protocol, HealthStats> stats = new EnumMap<>(Protocol.class);
			for (Protocol protocol : HealthCheck.PROTOCOLS) {
				stats.put(protocol, health.stats(protocol, bounds[i][0], bounds[i][1]));
			}
			String phase = phases[i];
			checks.row(phase + ": checks", "count", true, null)
				.put("h2", stats.get(Protocol.H2).count())
				.put("h3", stats.get(Protocol.H3).count());
			checks.row(phase + ": failed/unanswered", "count", false, null)
				.put("h2", stats.get(Protocol.H2).failed())
				.put("h3", stats.get(Protocol.H3).failed());
			for (double p : new double[] { 0.5, 0.99, 1 }) {
				String name = (p == 1) ? "max" : "p" + Math.round(p * 100);
				checks.row(phase + ": " + name, "ms", false, null)
					.put("h2", stats.get(Protocol.H2).percentile(p))
					.put("h3", stats.get(Protocol.H3).percentile(p));
			}
			for (Protocol protocol : HealthCheck.PROTOCOLS) {
				stats.get(protocol).failures().stream().limit(3).forEach((failure) -> checks.notes
					.add(phase + ", " + protocol.label + ": " + failure));
			}
		}

		Section back = this.results.section("Overload: recovery after the arrivals stopped, and the server",
				List.of("value"), null, null);
		back.row("health < " + HEALTHY_MILLIS + " ms on h2 and h3 after", "s", false, null)
			.put("value", recovery.healthySeconds());
		back.row("new clients' closed loop >= " + RECOVERED_PERCENT + " % of the peak after", "s", false, null)
			.put("value", recovery.throughputSeconds());
		back.row("the overload's clients' backlog drained after", "s", false, null)
			.put("value", backlogSeconds);
		back.row("RECOVERED after (target <= " + RECOVERY_TARGET_SECONDS + " s)", "s", false, null)
			.put("value", recovery.seconds());
		back.row("server threads, before", "count", false, null).put("value", before.threadCount());
		back.row("server threads, after", "count", false, null).put("value", after.threadCount());
		back.row("server open fds, before", "count", false, null).put("value", before.fds());
		back.row("server open fds, after", "count", false, null).put("value", after.fds());
		back.row("server heap after GC, before", "MB", false, null).put("value", before.heapMegabytes());
		back.row("server heap after GC, after", "MB", false, null).put("value", after.heapMegabytes());
		back.row("server RSS, before", "MB", false, null).put("value", before.rssMegabytes());
		back.row("server RSS, after", "MB", false, null).put("value", after.rssMegabytes());
		recovery.runs().forEach((run) -> back.notes.add("closed loop (" + RECOVERY_RUN_MILLIS + " ms) from " + run));
		verdicts(back, tallies, all, health, start, end, recovery);
	}

	/** The four questions, answered with the numbers. */
	private static void verdicts(Section section, Map<Protocol, MixedLoad.Tally> tallies,
			Map<Protocol, MixedLoad.Interval> all, HealthCheck health, long start, long end, Recovery recovery) {
		long shed = 0;
		long timeouts = 0;
		long lost = 0;
		for (MixedLoad.Tally tally : tallies.values()) {
			shed += tally.count(Kind.STATUS) + tally.count(Kind.REFUSED);
			timeouts += tally.count(Kind.TIMEOUT);
			lost += tally.count(Kind.LOST);
		}
		double worstP99 = all.values().stream().mapToDouble((interval) -> interval.percentileMillis(0.99))
			.filter((value) -> !Double.isNaN(value)).max().orElse(Double.NaN);
		section.notes.add((shed > 0)
				? String.format(Locale.ROOT, "sheds load: %,d requests answered with a non-200 status, refused or reset "
						+ "before their response (by protocol above); %,d timed out", shed, timeouts)
				: String.format(Locale.ROOT, "DOES NOT SHED LOAD: no 503, no refused or reset stream; it queues (the "
						+ "protocols' stream limits hold the rest back at the clients), answered p99 up to %,.0f ms; %,d "
						+ "requests timed out with no response headers in %d s", worstP99, timeouts,
						MixedLoad.TIMEOUT_SECONDS));
		long healthFailures = 0;
		double worst = 0;
		for (Protocol protocol : HealthCheck.PROTOCOLS) {
			HealthStats stats = health.stats(protocol, start, end);
			healthFailures += stats.failed();
			worst = Math.max(worst, stats.percentile(1));
		}
		section.notes.add(String.format(Locale.ROOT, "health checks during the overload: %s (worst answer %.0f ms)",
				(healthFailures == 0) ? "all answered" : "FAILED " + healthFailures, worst));
		section.notes.add(Double.isNaN(recovery.seconds())
				? "recovery: NOT within " + RECOVERY_LIMIT_SECONDS + " s"
				: String.format(Locale.ROOT, "recovery: %.1f s, %s", recovery.seconds(),
						(recovery.seconds() <= RECOVERY_TARGET_SECONDS) ? "met (<= " + RECOVERY_TARGET_SECONDS + " s)"
								: "MISSED (target <= " + RECOVERY_TARGET_SECONDS + " s)"));
		section.notes.add((lost == 0) ? "lost accepted requests: none"
				: String.format(Locale.ROOT, "lost accepted requests: %,d (LOST rows above)", lost));
	}

	private static long detailCount(MixedLoad.Tally tally, Kind kind, String detail) {
		Long count = tally.details().get(kind + ": " + detail);
		return (count != null) ? count : 0;
	}

	private static void row(Section section, String label, String unit,
			java.util.function.ToDoubleFunction<Protocol> value) {
		Results.Row row = section.row(label, unit, false, null);
		double total = 0;
		for (Protocol protocol : Protocol.values()) {
			double v = value.applyAsDouble(protocol);
			row.put(protocol.label, v);
			total += v;
		}
		row.put("total", total);
	}

	private static void latencyRow(Section section, String label, Map<Protocol, MixedLoad.Interval> intervals,
			java.util.function.ToDoubleFunction<MixedLoad.Interval> value) {
		Results.Row row = section.row(label, "ms", false, null);
		intervals.forEach((protocol, interval) -> row.put(protocol.label, value.applyAsDouble(interval)));
	}

	/** A health check's answers in a phase: counts, failures and latency percentiles (ms) of the answered ones. */
	private record HealthStats(int count, int failed, double[] sortedMillis, List<String> failures) {

		double percentile(double p) {
			return (this.sortedMillis.length == 0) ? Double.NaN
					: this.sortedMillis[(int) Math.min(this.sortedMillis.length - 1,
							Math.floor(p * this.sortedMillis.length))];
		}

	}

	/**
	 * The health check: one h2 connection (Jetty's client) and one h3 connection (Netty's), apart from the load's,
	 * each sent a GET of the JSON every {@value #HEALTH_PERIOD_MILLIS} ms (sent whether or not the last was answered,
	 * each bounded by the request timeout). Every probe is kept with its outcome.
	 */
	private static final class HealthCheck implements AutoCloseable {

		static final List<Protocol> PROTOCOLS = List.of(Protocol.H2, Protocol.H3);

		private final HttpClient h2;

		private final NettyHttp3Client h3;

		private final Map<Protocol, MixedLoad.Sender> senders = new EnumMap<>(Protocol.class);

		private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "bench-health-check");
			thread.setDaemon(true);
			return thread;
		});

		private final List<Probe> probes = new ArrayList<>();

		private int ticks;

		private HealthCheck(HttpClient h2, NettyHttp3Client h3, ServerProcess demo, byte[] stylesheet) {
			this.h2 = h2;
			this.h3 = h3;
			this.senders.put(Protocol.H2, MixedLoad.jettySender(List.of(h2), Protocol.H2, demo.tlsPort, stylesheet));
			this.senders.put(Protocol.H3, H3Requests.sender(List.of(h3), demo.h3Port, stylesheet, new LongAdder()));
		}

		static HealthCheck open(Load load, ServerProcess demo, X509Certificate certificate, byte[] stylesheet)
				throws Exception {
			HttpClient h2 = load.newClient(Protocol.H2, 1);
			NettyHttp3Client h3;
			try {
				h3 = new NettyH3Load(demo.h3Port, certificate).connect();
			}
			catch (Exception ex) {
				h2.stop();
				throw ex;
			}
			HealthCheck health = new HealthCheck(h2, h3, demo, stylesheet);
			for (Protocol protocol : PROTOCOLS) {
				Outcome outcome = MixedLoad.sendAndWait(health.senders.get(protocol), MixedLoad.HEALTH);
				if (outcome.kind() != Kind.OK) {
					health.close();
					throw new IllegalStateException("health check over " + protocol.label + ": " + outcome);
				}
			}
			return health;
		}

		void start() {
			this.timer.scheduleAtFixedRate(this::tick, 0, HEALTH_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
		}

		void stop() throws InterruptedException {
			this.timer.shutdown();
			this.timer.awaitTermination(5, TimeUnit.SECONDS);
			// The last probes get their answer or their timeout.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MixedLoad.TIMEOUT_SECONDS + 5);
			while (System.nanoTime() < deadline && snapshot().stream().anyMatch((probe) -> probe.outcome == null)) {
				TimeUnit.MILLISECONDS.sleep(50);
			}
		}

		private void tick() {
			int tick;
			synchronized (this.probes) {
				tick = this.ticks++;
			}
			long sent = System.nanoTime();
			for (Protocol protocol : PROTOCOLS) {
				Probe probe = new Probe(tick, protocol, sent);
				synchronized (this.probes) {
					this.probes.add(probe);
				}
				this.senders.get(protocol).send(MixedLoad.HEALTH, sent, (outcome) -> probe.outcome = outcome);
			}
		}

		private List<Probe> snapshot() {
			synchronized (this.probes) {
				return List.copyOf(this.probes);
			}
		}

		/**
		 * Seconds from {@code since} to the answer of the first check sent after it that both connections answered
		 * within {@value #HEALTHY_MILLIS} ms; {@code NaN} if none yet.
		 */
		double firstHealthyAfter(long since) {
			List<Probe> probes = snapshot();
			for (int i = 0; i + 1 < probes.size(); i++) {
				Probe a = probes.get(i);
				Probe b = probes.get(i + 1);
				if (a.sentNanos < since || a.tick != b.tick) {
					continue;
				}
				if (healthy(a) && healthy(b)) {
					return (a.sentNanos + Math.max(a.outcome.nanos(), b.outcome.nanos()) - since) / 1e9;
				}
			}
			return Double.NaN;
		}

		private static boolean healthy(Probe probe) {
			Outcome outcome = probe.outcome;
			return outcome != null && outcome.kind() == Kind.OK
					&& outcome.nanos() < TimeUnit.MILLISECONDS.toNanos(HEALTHY_MILLIS);
		}

		HealthStats stats(Protocol protocol, long from, long to) {
			int count = 0;
			int failed = 0;
			List<Double> millis = new ArrayList<>();
			List<String> failures = new ArrayList<>();
			for (Probe probe : snapshot()) {
				if (probe.protocol != protocol || probe.sentNanos < from || probe.sentNanos >= to) {
					continue;
				}
				count++;
				Outcome outcome = probe.outcome;
				if (outcome != null && outcome.kind() == Kind.OK) {
					millis.add(outcome.nanos() / 1e6);
				}
				else {
					failed++;
					failures.add((outcome != null) ? outcome.toString() : "unanswered");
				}
			}
			double[] sorted = millis.stream().mapToDouble(Double::doubleValue).toArray();
			Arrays.sort(sorted);
			return new HealthStats(count, failed, sorted, failures);
		}

		/** The latest answered check of each connection, for progress lines. */
		String latest() {
			StringBuilder text = new StringBuilder();
			List<Probe> probes = snapshot();
			for (Protocol protocol : PROTOCOLS) {
				Probe latest = null;
				for (Probe probe : probes) {
					if (probe.protocol == protocol && probe.outcome != null) {
						latest = probe;
					}
				}
				text.append(text.length() > 0 ? ", " : "").append(protocol.label).append(' ')
					.append((latest == null) ? "-" : (latest.outcome.kind() == Kind.OK)
							? String.format(Locale.ROOT, "%.0f ms", latest.outcome.nanos() / 1e6)
							: latest.outcome.kind().toString());
			}
			return text.toString();
		}

		@Override
		public void close() {
			this.timer.shutdownNow();
			try {
				this.h2.stop();
			}
			catch (Exception ex) {
				System.err.println("  stopping the h2 health check client failed: " + ex);
			}
			NettyH3Load.closeAll(List.of(this.h3));
		}

	}

	/** One health check on one connection; its outcome arrives on a client thread. */
	private static final class Probe {

		final int tick;

		final Protocol protocol;

		final long sentNanos;

		volatile Outcome outcome;

		Probe(int tick, Protocol protocol, long sentNanos) {
			this.tick = tick;
			this.protocol = protocol;
			this.sentNanos = sentNanos;
		}

	}

}
