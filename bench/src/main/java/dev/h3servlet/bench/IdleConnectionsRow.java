package dev.h3servlet.bench;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

import dev.h3servlet.bench.Load.Protocol;
import dev.h3servlet.bench.Results.Section;
import org.eclipse.jetty.client.HttpClient;

import static dev.h3servlet.bench.Bench.IDLE_CONNECTIONS;
import static dev.h3servlet.bench.Bench.failed;
import static dev.h3servlet.bench.Bench.progress;

/**
 * Memory of idle h3 connections: the server's heap after GC before and with {@value Bench#IDLE_CONNECTIONS} idle
 * connections open.
 */
final class IdleConnectionsRow {

	private final Bench bench;

	IdleConnectionsRow(Bench bench) {
		this.bench = bench;
	}

	/** Server heap after GC before and after opening {@value #IDLE_CONNECTIONS} idle h3 connections. */
	void run(ServerProcess server) throws Exception {
		progress("  " + IDLE_CONNECTIONS + " idle h3 connections");
		HttpClient h2 = this.bench.load.newClient(Protocol.H2, 1);
		try {
			String heapUrl = "https://127.0.0.1:" + server.tlsPort + "/raw/heap";
			long before = Long.parseLong(h2.GET(heapUrl).getContentAsString().trim());
			long start = System.nanoTime();
			Load.IdleConnections idle = this.bench.load.openIdleConnections(new InetSocketAddress("127.0.0.1", server.h3Port),
					IDLE_CONNECTIONS, 120_000);
			double connectSeconds = (System.nanoTime() - start) / 1e9;
			progress(String.format(Locale.ROOT, "    %d open in %.1f s", idle.open(), connectSeconds));
			try {
				long after = Long.parseLong(h2.GET(heapUrl).getContentAsString().trim());
				Section section = this.bench.results.section("Memory: " + idle.open() + " idle h3 connections, server Java "
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
			failed(this.bench.results.section("Memory: idle h3 connections", List.of("value"), null, null),
					"idle connections", ex);
		}
		finally {
			h2.stop();
		}
	}

}
