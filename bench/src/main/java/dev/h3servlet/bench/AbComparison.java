package dev.h3servlet.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.h3servlet.bench.Results.Row;
import dev.h3servlet.bench.Results.Section;
import dev.h3servlet.bench.Results.Stats;

import static dev.h3servlet.bench.Bench.PASSWORD;
import static dev.h3servlet.bench.Bench.failed;
import static dev.h3servlet.bench.Bench.progress;

/**
 * {@code --ab key=value,...}: two Jetty servers at once, A with the {@code --server} tuning and B with the change on
 * top, measured over h3 in alternating repeats.
 */
final class AbComparison {

	private final Bench bench;

	AbComparison(Bench bench) {
		this.bench = bench;
	}

	/**
	 * {@code --ab key=value,...}: two Jetty servers at once, A with the {@code --server} tuning and B with the change
	 * on top (entries starting with {@code -} are JVM options for B), measured over h3 with Netty's client in
	 * alternating repeats (so both see the same machine): B÷A is the change's effect.
	 */
	void run(Path javaHome) throws Exception {
		List<String> argsB = new ArrayList<>(List.of(this.bench.keyStore.toString(), PASSWORD, "true"));
		argsB.addAll(this.bench.options.server);
		List<String> jvmB = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC"));
		jvmB.addAll(this.bench.options.serverJvm);
		List<String> change = List.of(this.bench.options.ab.split(","));
		for (String entry : change) {
			(entry.startsWith("-") ? jvmB : argsB).add(entry);
		}
		try (ServerProcess a = this.bench.startJetty(javaHome, true);
				ServerProcess b = ServerProcess.start(javaHome, BenchServer.class, jvmB, argsB);
				SmallRequests smallA = SmallRequests.netty(new NettyH3Load(a.h3Port, this.bench.certificate), "/s/small");
				SmallRequests smallB = SmallRequests.netty(new NettyH3Load(b.h3Port, this.bench.certificate), "/s/small")) {
			Section section = this.bench.results.section("A/B over h3 (Netty's client), server Java " + a.java + ": B = A + "
					+ change, List.of("A", "B"), "B", "A");
			Map<String, List<List<Double>>> values = new LinkedHashMap<>();
			List<SmallRequests> small = List.of(smallA, smallB);
			for (SmallRequests server : small) {
				server.sequential(this.bench.options.warmupMillis);
				server.concurrent(this.bench.options.warmupMillis);
			}
			for (int i = 0; i < this.bench.options.repeats; i++) {
				for (int column : (i % 2 == 0) ? new int[] { 0, 1 } : new int[] { 1, 0 }) {
					ServerProcess server = (column == 0) ? a : b;
					try {
						Load.Sequential seq = small.get(column).sequential(this.bench.options.measureMillis);
						add(values, "sequential GET|req/s", column, seq.perSecond());
						add(values, "sequential GET p50|us", column, seq.p50Micros());
						add(values, "sequential GET p99|us", column, seq.p99Micros());
						add(values, "64 streams / 8 connections|req/s", column,
								small.get(column).concurrent(this.bench.options.measureMillis));
						Section probe = new Section("", List.of(), null, null);
						this.bench.bulkH3(probe, java.net.URI.create("https://127.0.0.1:" + server.h3Port + "/s/"),
								this.bench.options.bulkRepeats);
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

}
