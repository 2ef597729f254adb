package dev.h3servlet.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.h3servlet.bench.Load.Protocol;
import dev.h3servlet.bench.Results.Section;
import dev.h3servlet.bench.Results.Stats;
import dev.h3servlet.test.NettyHttp3Client;
import org.eclipse.jetty.client.HttpClient;

import static dev.h3servlet.bench.Bench.progress;

/**
 * The bridge's cost over h3: the same server answering through a servlet (via {@code Http3BridgeHandler}) and
 * through a raw Jetty {@code Handler}, in alternating pairs, with the server's CPU per request.
 */
final class BridgeOverhead {

	private final Bench bench;

	BridgeOverhead(Bench bench) {
		this.bench = bench;
	}

	/**
	 * Raw handler and servlet over h3 in alternating one-second repeats, the order swapped every pair, so both see the
	 * same machine and the same drift (JIT, GC of the earlier bulk transfers): with 2 s repeats one after the other the
	 * ratio moved between 0.72 and 1.33 from run to run on an otherwise quiet machine.
	 */
	void run(Section section, ServerProcess server, String java) throws Exception {
		progress("  bridge overhead, " + java);
		String[] paths = { "/raw/small", "/s/small" };
		int pairs = Math.max(3, this.bench.options.repeats * 3);
		long millis = Math.max(500, this.bench.options.measureMillis / 2);
		List<List<Double>> sequential = List.of(new ArrayList<>(), new ArrayList<>());
		List<List<Double>> cpu = List.of(new ArrayList<>(), new ArrayList<>());
		NettyH3Load h3 = new NettyH3Load(server.h3Port, this.bench.certificate);
		HttpClient probe = this.bench.load.newClient(Protocol.H2, 1);
		String cpuUrl = "https://127.0.0.1:" + server.tlsPort + "/raw/cpu";
		try (NettyHttp3Client client = h3.connect()) {
			for (String path : paths) {
				h3.sequential(client, path, this.bench.options.warmupMillis, 100_000);
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
				h3.concurrent(connections, path, 8, this.bench.options.warmupMillis);
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

}
