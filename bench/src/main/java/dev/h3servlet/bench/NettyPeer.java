package dev.h3servlet.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.h3servlet.bench.Load.Protocol;
import dev.h3servlet.bench.Results.Row;
import dev.h3servlet.bench.Results.Section;
import dev.h3servlet.bench.Results.Stats;

import static dev.h3servlet.bench.Bench.PASSWORD;
import static dev.h3servlet.bench.Bench.progress;
import static dev.h3servlet.bench.Bench.row;

/**
 * The h3 peer: Netty's own HTTP/3 server measured as the Jetty + h3servlet one is, and the load generator's
 * headroom against it.
 */
final class NettyPeer {

	private final Bench bench;

	NettyPeer(Bench bench) {
		this.bench = bench;
	}

	/** Netty's HTTP/3 server with the same client; the Jetty column is the h3 column of the first Jetty run. */
	void run(Path javaHome, Section jettySection) throws Exception {
		progress("Netty 4.2 HTTP/3 server (peer)");
		try (ServerProcess nettyServer = ServerProcess.start(javaHome, NettyBenchServer.class,
				List.of("-Xmx1g", "-XX:+UseParallelGC"), List.of(this.bench.keyStore.toString(), PASSWORD))) {
			Section section = this.bench.results.section("h3 peer: Jetty + h3servlet vs Netty 4.2.18 HTTP/3 server, both Java "
					+ nettyServer.java + ", same client", List.of("jetty-h3", "netty-h3"), "jetty-h3", "netty-h3");
			section.notes.add("jetty-h3 = the h3 column of the first table (measured earlier in the same run)");
			Section netty = new Section("", List.of("h3"), null, null);
			// One timed bulk transfer each (after the warm-up), to keep the run short.
			this.bench.measure(netty, Map.of(Protocol.H3, "https://127.0.0.1:" + nettyServer.h3Port + "/s/"), 0, 1);
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

}
