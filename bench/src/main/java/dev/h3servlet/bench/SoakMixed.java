package dev.h3servlet.bench;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import dev.h3servlet.bench.Load.Protocol;
import dev.h3servlet.bench.MixedLoad.Kind;
import dev.h3servlet.bench.Results.Section;
import dev.h3servlet.bench.Results.Stats;

/**
 * {@code --soak-mixed MINUTES}: the demo app under mixed h1 + h2 + h3 load for that long, watched for leaks. It
 * measures the demo's peak first ({@link MixedLoad#closedLoop}: {@value #WARMUP_MILLIS} ms of warm-up, then
 * {@value #PEAK_MILLIS} ms), then offers {@value #LOAD_PERCENT} % of that peak open-loop (paced arrivals, split evenly
 * across the three protocols, every answer checked) and samples the server every interval: heap after a full GC,
 * direct buffers, RSS, open file descriptors, live threads, CPU ({@link ServerMetrics}), and per protocol the
 * requests answered and failed and their p99 latency. It prints the time series, judges it (no error; each resource's
 * mean over the last third within ±{@value #TOLERANCE_PERCENT} % of its mean over the first third, the warm-up left
 * out), adds the series and the verdicts to the results (JSON) and draws them ({@link SoakPlot}).
 */
final class SoakMixed {

	/**
	 * Closed-loop load before the peak is measured: the server's JIT is far from done after a few seconds (in a
	 * 1-minute trial its CPU per request halved between the first and the last 20 s of the soak).
	 */
	static final long WARMUP_MILLIS = 20_000;

	static final long PEAK_MILLIS = 10_000;

	static final int LOAD_PERCENT = 70;

	static final int TOLERANCE_PERCENT = 10;

	/** Bound on outstanding requests: far above what 70 % of the peak keeps in flight. */
	private static final int MAX_IN_FLIGHT = 4096;

	private final Load load;

	private final Path keyStore;

	/** Spring Boot arguments for the demo ({@code --demo-arg}), after the bench's own. */
	private final List<String> demoArgs;

	private final X509Certificate certificate;

	private final Results results;

	SoakMixed(Load load, Path keyStore, X509Certificate certificate, Results results, List<String> demoArgs) {
		this.demoArgs = List.copyOf(demoArgs);
		this.load = load;
		this.keyStore = keyStore;
		this.certificate = certificate;
		this.results = results;
	}

	/** Runs the soak for {@code minutes} (bounded: arrivals stop then, outstanding requests get their timeout). */
	void run(Path javaHome, long minutes, Path plot) throws Exception {
		long intervalSeconds = (minutes <= 5) ? 5 : 10;
		Bench.progress("soak-mixed: the demo app, h1 + h2 + h3 open-loop at " + LOAD_PERCENT + " % of its peak for "
				+ minutes + " min, the server sampled every " + intervalSeconds + " s");
		try (ServerProcess demo = MixedLoad.startDemo(javaHome, this.keyStore, this.demoArgs);
				ServerMetrics metrics = ServerMetrics.attach(demo.pid());
				MixedLoad mixed = MixedLoad.open(this.load, demo, this.certificate, MAX_IN_FLIGHT)) {
			String server = MixedLoad.describeDemo(demo, this.demoArgs);
			Bench.progress("  " + server + "; peak: " + WARMUP_MILLIS + " ms warm-up, then " + PEAK_MILLIS
					+ " ms closed loop");
			mixed.closedLoop(WARMUP_MILLIS);
			Map<Protocol, Double> peak = mixed.closedLoop(PEAK_MILLIS);
			double total = MixedLoad.total(peak);
			Map<Protocol, Double> rates = new EnumMap<>(Protocol.class);
			for (Protocol protocol : Protocol.values()) {
				rates.put(protocol, total * LOAD_PERCENT / 100.0 / Protocol.values().length);
			}
			Bench.progress(String.format(Locale.ROOT, "  peak %,.0f req/s (%s); offering %,.0f req/s, %,.0f each",
					total, perProtocol(peak), MixedLoad.total(rates), rates.get(Protocol.H1)));
			List<Point> points = new ArrayList<>();
			ServerMetrics.Sample previous = metrics.sample();
			long soakMillis = TimeUnit.MINUTES.toMillis(minutes);
			Arrivals arrivals = mixed.arrivals(rates, soakMillis, MAX_IN_FLIGHT);
			long start = System.nanoTime();
			points.add(new Point(0, new EnumMap<>(Protocol.class), previous, Double.NaN, 0));
			System.out.println(Point.HEADER);
			System.out.println(points.get(0).line());
			long samples = TimeUnit.MILLISECONDS.toSeconds(soakMillis) / intervalSeconds;
			for (long i = 1; i <= samples; i++) {
				long due = start + TimeUnit.SECONDS.toNanos(i * intervalSeconds);
				for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
					TimeUnit.NANOSECONDS.sleep(Math.min(wait, TimeUnit.SECONDS.toNanos(1)));
				}
				Map<Protocol, MixedLoad.Interval> intervals = new EnumMap<>(Protocol.class);
				arrivals.tallies.forEach((protocol, tally) -> intervals.put(protocol, tally.interval()));
				ServerMetrics.Sample sample = metrics.sample();
				Point point = new Point((System.nanoTime() - start) / 1e9, intervals, sample,
						sample.cpuPercentSince(previous), intervalSeconds);
				previous = sample;
				points.add(point);
				System.out.println(point.line());
				if (!sample.ok()) {
					Bench.progress("    server sample failed: " + sample.failure());
				}
			}
			arrivals.awaitArrivalsEnd();
			boolean drained = arrivals.awaitOutstanding(TimeUnit.SECONDS.toMillis(MixedLoad.TIMEOUT_SECONDS + 20));
			report(server, peak, rates, mixed, arrivals, points, drained, minutes, intervalSeconds, plot);
		}
	}

	private static String perProtocol(Map<Protocol, Double> rates) {
		StringBuilder text = new StringBuilder();
		rates.forEach((protocol, rate) -> text.append(text.length() > 0 ? ", " : "").append(protocol.label)
			.append(String.format(Locale.ROOT, " %,.0f", rate)));
		return text.toString();
	}

	private void report(String server, Map<Protocol, Double> peak, Map<Protocol, Double> rates, MixedLoad mixed,
			Arrivals arrivals, List<Point> points, boolean drained, long minutes, long intervalSeconds,
			Path plot) throws Exception {
		// The warm-up: a tenth of the run, at least 60 s (the load's idle h1 connections close after Jetty's client's
		// 60 s idle timeout; the server's heap shrinks after the peak's), at most half the run.
		double soakSeconds = TimeUnit.MINUTES.toSeconds(minutes);
		double warmupSeconds = Math.min(Math.max(60, soakSeconds / 10), soakSeconds / 2);
		int warmup = 1;
		while (warmup < points.size() && points.get(warmup).seconds <= warmupSeconds + 1) {
			warmup++;
		}
		List<Point> judged = points.subList(warmup, points.size());
		int third = judged.size() / 3;
		List<SoakPlot.Band> bands = (third == 0) ? List.of()
				: List.of(new SoakPlot.Band(judged.get(0).seconds - intervalSeconds, judged.get(third - 1).seconds,
						"first third"),
						new SoakPlot.Band(judged.get(judged.size() - third).seconds - intervalSeconds,
								judged.get(judged.size() - 1).seconds, "last third"));

		System.out.println();
		System.out.println("Time series (" + intervalSeconds + " s intervals; up to "
				+ String.format(Locale.ROOT, "%.0f", warmupSeconds) + " s the warm-up, not judged):");
		System.out.println(Point.HEADER);
		points.forEach((point) -> System.out.println(point.line()));

		Section load = this.results.section("Soak: " + minutes + " min of mixed h1/h2/h3 on the " + server
				+ ", open loop at " + LOAD_PERCENT + " % of the peak", List.of("h1", "h2", "h3", "total"), null, null);
		long errors = 0;
		for (Protocol protocol : Protocol.values()) {
			errors += arrivals.tallies.get(protocol).failures();
		}
		putAll(load.row("peak (closed loop, " + PEAK_MILLIS / 1000 + " s)", "req/s", true, null), peak);
		putAll(load.row("offered (" + LOAD_PERCENT + " % of peak, even split)", "req/s", true, null), rates);
		Map<Protocol, Double> answered = new EnumMap<>(Protocol.class);
		Map<Protocol, Double> failed = new EnumMap<>(Protocol.class);
		Map<Protocol, Double> timeouts = new EnumMap<>(Protocol.class);
		Map<Protocol, Double> p99Median = new EnumMap<>(Protocol.class);
		Map<Protocol, Double> p99Max = new EnumMap<>(Protocol.class);
		for (Protocol protocol : Protocol.values()) {
			MixedLoad.Tally tally = arrivals.tallies.get(protocol);
			answered.put(protocol, tally.count(Kind.OK) / soakSeconds);
			failed.put(protocol, (double) tally.failures());
			timeouts.put(protocol, (double) (tally.count(Kind.TIMEOUT) + lostToTimeouts(tally)));
			double[] p99 = judged.stream().mapToDouble((point) -> point.p99Millis(protocol)).toArray();
			p99Median.put(protocol, new Stats(p99).median());
			p99Max.put(protocol, Arrays.stream(p99).filter((v) -> !Double.isNaN(v)).max().orElse(Double.NaN));
		}
		putAll(load.row("answered and checked (mean)", "req/s", true, null), answered);
		putAll(load.row("errors (all kinds, with timeouts)", "count", false, null), failed);
		putAll(load.row("of them timeouts (" + MixedLoad.TIMEOUT_SECONDS + " s)", "count", false, null), timeouts);
		putAll(load.row("p99 latency per interval, median", "ms", false, null), p99Median);
		putAll(load.row("p99 latency per interval, worst", "ms", false, null), p99Max);
		load.notes.add("latency runs from an arrival's scheduled time to its checked answer (open loop: a stall "
				+ "cannot hide); each interval's p99 includes the server's full GC that the sample asks for");
		load.notes.add(String.format(Locale.ROOT, "errors: %s (%s)", (errors == 0) ? "PASS, none" : "FAIL, " + errors,
				String.join(", ", Arrays.stream(Protocol.values())
					.map((p) -> p.label + " " + arrivals.tallies.get(p).failures())
					.toList())));
		for (Protocol protocol : Protocol.values()) {
			arrivals.tallies.get(protocol).details().forEach((detail, count) -> load.notes.add(
					String.format(Locale.ROOT, "  %s %,d x %s", protocol.label, count, detail)));
			arrivals.tallies.get(protocol).firstFailures().stream().limit(3).forEach((failure) -> load.notes
				.add("  " + protocol.label + " e.g. " + failure));
		}
		load.notes.add(String.format(Locale.ROOT, "h3 requests that waited for the server's QUIC stream limit before "
				+ "their stream opened (peak and soak): %,d", mixed.h3StreamWaits()));
		if (!drained) {
			load.notes.add("some requests were still outstanding " + (MixedLoad.TIMEOUT_SECONDS + 20)
					+ " s after the arrivals stopped: " + arrivals.inFlight());
		}

		Section flat = this.results.section("Soak: server resources, mean of the last third vs the first third "
				+ "(after the warm-up, " + String.format(Locale.ROOT, "%.0f", warmupSeconds) + " s); flat = within ±"
				+ TOLERANCE_PERCENT + " %", List.of("first", "last", "change %"), null, null);
		List<Metric> resources = List.of(new Metric("heap after GC", "MB", Point::heap),
				new Metric("direct buffers (JDK pool)", "MB", Point::direct), new Metric("RSS", "MB", Point::rss),
				new Metric("open file descriptors", "count", Point::fds),
				new Metric("live threads", "count", Point::threads));
		List<String> verdicts = new ArrayList<>();
		for (Metric metric : resources) {
			Flatness flatness = Flatness.of(judged, metric.value());
			String verdict = flatness.verdict();
			flat.row(metric.name() + ": " + verdict, metric.unit(), false, null)
				.put("first", flatness.first())
				.put("last", flatness.last())
				.put("change %", flatness.changePercent());
			verdicts.add(verdict);
		}
		flat.notes.add(judged.size() + " samples judged (" + (judged.size() / 3) + " per third)");
		flat.notes.add("heap: used after a full GC that the harness asks for over JMX (MemoryMXBean.gc()); direct: "
				+ "the JDK's 'direct' BufferPoolMXBean (Netty's own direct memory is not in it, RSS is); RSS: "
				+ "/proc/<pid>/status VmRSS; file descriptors: /proc/<pid>/fd; threads: ThreadMXBean (the JMX "
				+ "connection's own RMI threads and socket included, open from the first sample on)");

		Section series = this.results.section("Soak time series (cells: the median of each series; the JSON has "
				+ "every sample in time order)", List.of("series"), null, null);
		addSeries(series, "time", "s", points, (point) -> point.seconds);
		for (Protocol protocol : Protocol.values()) {
			addSeries(series, protocol.label + " answered", "req/s", points, (point) -> point.perSecond(protocol));
			addSeries(series, protocol.label + " failed", "count", points, (point) -> point.failed(protocol));
			addSeries(series, protocol.label + " p99", "ms", points, (point) -> point.p99Millis(protocol));
		}
		for (Metric metric : resources) {
			addSeries(series, metric.name(), metric.unit(), points, metric.value());
		}
		addSeries(series, "server CPU", "% of a core", points, (point) -> point.cpuPercent);
		addSeries(series, "full GC asked by the sample", "ms", points, (point) -> point.server.gcMillis());

		double[] times = points.stream().mapToDouble((point) -> point.seconds).toArray();
		List<SoakPlot.Panel> panels = new ArrayList<>();
		panels.add(new SoakPlot.Panel("heap after GC, direct buffers (MB)", "heap " + verdicts.get(0) + ", direct "
				+ verdicts.get(1), List.of(line("heap after GC", points, Point::heap),
						line("direct (JDK pool)", points, Point::direct))));
		panels.add(new SoakPlot.Panel("RSS (MB)", verdicts.get(2), List.of(line("RSS", points, Point::rss))));
		panels.add(new SoakPlot.Panel("open file descriptors", verdicts.get(3),
				List.of(line("fds", points, Point::fds))));
		panels.add(new SoakPlot.Panel("live threads", verdicts.get(4),
				List.of(line("threads", points, Point::threads))));
		List<SoakPlot.Line> perSecond = new ArrayList<>();
		List<SoakPlot.Line> p99 = new ArrayList<>();
		for (Protocol protocol : Protocol.values()) {
			perSecond.add(line(protocol.label, points, (point) -> point.perSecond(protocol)));
			p99.add(line(protocol.label, points, (point) -> point.p99Millis(protocol)));
		}
		panels.add(new SoakPlot.Panel("answered requests per second", String.format(Locale.ROOT,
				"offered %,.0f/s each; errors %d", rates.get(Protocol.H1), errors), perSecond));
		panels.add(new SoakPlot.Panel("p99 latency per interval (ms)", "includes the sample's full GC", p99));
		SoakPlot.write(plot, String.format(Locale.ROOT, "--soak-mixed %d: %s; %,.0f req/s offered (%d %% of the "
				+ "%,.0f req/s peak)", minutes, server, MixedLoad.total(rates), LOAD_PERCENT, MixedLoad.total(peak)),
				times, warmupSeconds, bands, panels);
		load.notes.add("plot: " + plot.toAbsolutePath());
		List<String> named = new ArrayList<>();
		for (int i = 0; i < resources.size(); i++) {
			named.add(resources.get(i).name() + " " + verdicts.get(i));
		}
		Bench.progress("  errors " + errors + "; " + String.join("; ", named) + "; plot " + plot.toAbsolutePath());
	}

	/** Requests whose response headers came but whose end did not, within the request timeout. */
	static long lostToTimeouts(MixedLoad.Tally tally) {
		return tally.details()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().startsWith(Kind.LOST + ":") && (entry.getKey().contains("Timeout")
					|| entry.getKey().contains("no end of the response")))
			.mapToLong(Map.Entry::getValue)
			.sum();
	}

	private static void putAll(Results.Row row, Map<Protocol, Double> values) {
		double total = 0;
		for (Protocol protocol : Protocol.values()) {
			Double value = values.get(protocol);
			row.put(protocol.label, (value != null) ? value : Double.NaN);
			total += (value != null) ? value : 0;
		}
		if (!row.unit.equals("ms")) {
			row.put("total", total);
		}
	}

	private static void addSeries(Section section, String label, String unit, List<Point> points,
			ToDoubleFunction<Point> value) {
		section.row(label, unit, false, null).put("series", new Stats(points.stream().mapToDouble(value).toArray()));
	}

	private static SoakPlot.Line line(String name, List<Point> points, ToDoubleFunction<Point> value) {
		return new SoakPlot.Line(name, points.stream().mapToDouble(value).toArray());
	}

	/** A resource judged for flatness. */
	private record Metric(String name, String unit, ToDoubleFunction<Point> value) {

	}

	/** Means of the first and the last third of the judged samples, and the change between them. */
	record Flatness(double first, double last) {

		static Flatness of(List<Point> judged, ToDoubleFunction<Point> value) {
			int third = judged.size() / 3;
			if (third == 0) {
				return new Flatness(Double.NaN, Double.NaN);
			}
			return new Flatness(mean(judged.subList(0, third), value),
					mean(judged.subList(judged.size() - third, judged.size()), value));
		}

		private static double mean(List<Point> points, ToDoubleFunction<Point> value) {
			return points.stream().mapToDouble(value).filter((v) -> !Double.isNaN(v)).average().orElse(Double.NaN);
		}

		double changePercent() {
			if (this.first == 0 && this.last == 0) {
				return 0;
			}
			return (this.last / this.first - 1) * 100;
		}

		String verdict() {
			double change = changePercent();
			if (Double.isNaN(change) || Double.isInfinite(change)) {
				return "UNKNOWN (too few samples)";
			}
			// Not flat either way; a fall (a pool shrinking after the start) is told apart from growth (a leak).
			String verdict = (Math.abs(change) <= TOLERANCE_PERCENT) ? "PASS" : (change < 0) ? "FAIL, falls" : "FAIL, grows";
			return String.format(Locale.ROOT, "%s (%+.1f %%)", verdict, change);
		}

	}

	/** One sample of the time series: the interval's requests by protocol, and the server. */
	static final class Point {

		static final String HEADER = String.format(Locale.ROOT, "%7s |%24s |%24s |%24s |%8s %7s %7s %5s %7s %6s",
				"t (s)", "h1 ok/s fail p99ms", "h2 ok/s fail p99ms", "h3 ok/s fail p99ms", "heap MB", "dir MB",
				"RSS MB", "fds", "threads", "cpu %");

		final double seconds;

		final Map<Protocol, MixedLoad.Interval> intervals;

		final ServerMetrics.Sample server;

		final double cpuPercent;

		final long intervalSeconds;

		Point(double seconds, Map<Protocol, MixedLoad.Interval> intervals, ServerMetrics.Sample server,
				double cpuPercent, long intervalSeconds) {
			this.seconds = seconds;
			this.intervals = intervals;
			this.server = server;
			this.cpuPercent = cpuPercent;
			this.intervalSeconds = intervalSeconds;
		}

		double perSecond(Protocol protocol) {
			MixedLoad.Interval interval = this.intervals.get(protocol);
			return (interval == null) ? Double.NaN : (double) interval.count(Kind.OK) / this.intervalSeconds;
		}

		double failed(Protocol protocol) {
			MixedLoad.Interval interval = this.intervals.get(protocol);
			return (interval == null) ? Double.NaN : interval.failures();
		}

		double p99Millis(Protocol protocol) {
			MixedLoad.Interval interval = this.intervals.get(protocol);
			return (interval == null) ? Double.NaN : interval.percentileMillis(0.99);
		}

		double heap() {
			return this.server.heapMegabytes();
		}

		double direct() {
			return this.server.directMegabytes();
		}

		double rss() {
			return this.server.rssMegabytes();
		}

		double fds() {
			return this.server.fds();
		}

		double threads() {
			return this.server.threadCount();
		}

		String line() {
			StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%7.0f |", this.seconds));
			for (Protocol protocol : Protocol.values()) {
				text.append(String.format(Locale.ROOT, "%9.0f %6.0f %6.1f |", perSecond(protocol), failed(protocol),
						p99Millis(protocol)));
			}
			text.append(String.format(Locale.ROOT, "%8.1f %7.2f %7.1f %5.0f %7.0f %6.0f", heap(), direct(), rss(), fds(),
					threads(), this.cpuPercent));
			return text.toString().replace("NaN", "  -");
		}

	}

}
