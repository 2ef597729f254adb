package dev.h3servlet.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.h3servlet.bench.Results.Section;
import dev.h3servlet.bench.Results.Stats;

import static dev.h3servlet.bench.Bench.failed;
import static dev.h3servlet.bench.Bench.progress;

/**
 * Start-up cost of h3: a Jetty server with and without the h3 connector in fresh JVMs, and the demo app's start.
 */
final class StartupRows {

	private final Bench bench;

	StartupRows(Bench bench) {
		this.bench = bench;
	}

	/** Server.start() time and JVM-to-ready time, with and without the h3 connector, in fresh JVMs. */
	void run(Path javaHome) throws Exception {
		progress("start-up cost of h3");
		Section section = this.bench.results.section("Start-up: Jetty server with vs without the h3 connector (fresh JVMs)",
				List.of("h1+h2", "h1+h2+h3"), "h1+h2+h3", "h1+h2");
		List<Double> startWithout = new ArrayList<>();
		List<Double> startWith = new ArrayList<>();
		List<Double> readyWithout = new ArrayList<>();
		List<Double> readyWith = new ArrayList<>();
		for (int i = 0; i < this.bench.options.repeats; i++) {
			for (boolean h3 : new boolean[] { false, true }) {
				long begin = System.nanoTime();
				try (ServerProcess server = this.bench.startJetty(javaHome, h3)) {
					double ready = (System.nanoTime() - begin) / 1e6;
					(h3 ? startWith : startWithout).add((double) server.startMillis);
					(h3 ? readyWith : readyWithout).add(ready);
				}
			}
		}
		section.row("Server.start()", "ms", false, null).put("h1+h2", Stats.of(startWithout)).put("h1+h2+h3", Stats.of(startWith));
		section.row("JVM launch to ready", "ms", false, null).put("h1+h2", Stats.of(readyWithout)).put("h1+h2+h3", Stats.of(readyWith));
		if (this.bench.options.spring) {
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
			for (int i = 0; i < this.bench.options.repeats; i++) {
				for (boolean h3 : new boolean[] { false, true }) {
					try (ServerProcess demo = MixedLoad.startDemo(javaHome, this.bench.keyStore,
							List.of("--server.http3.enabled=" + h3))) {
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

}
