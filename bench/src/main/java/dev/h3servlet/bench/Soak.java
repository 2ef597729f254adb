package dev.h3servlet.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.bench.Bench.Options;
import dev.h3servlet.bench.Results.Section;
import dev.h3servlet.bench.Results.Stats;
import dev.h3servlet.development.DevelopmentCertificate;
import dev.h3servlet.test.Chromium;

import static dev.h3servlet.bench.Bench.PASSWORD;
import static dev.h3servlet.bench.Bench.UPLOAD_BYTES;
import static dev.h3servlet.bench.Bench.progress;

/**
 * {@code --uploads N} / {@code --downloads N}: that many bulk transfers over h3 (Netty's client, or Chromium with
 * {@code --browser chromium}), counting the intact, the stalled and the failed ones.
 */
final class Soak {

	private final Bench bench;

	Soak(Bench bench) {
		this.bench = bench;
	}

	/**
	 * {@code --uploads N} / {@code --downloads N}: N transfers over h3, counting intact, stalled (no end within
	 * {@code --upload-timeout}) and otherwise failed ones, with the seconds per intact transfer and the wall time. With
	 * Netty's HTTP/3 client every transfer has a connection of its own; with {@code --browser chromium} headless
	 * Chromium makes them from a page ({@link BenchServer.BrowserPages}) in batches, a new process, and so a new QUIC
	 * connection, per batch. Bounded by the count and by {@code --soak-minutes}.
	 */
	void run(Path javaHome, boolean upload, int count) throws Exception {
		Options o = this.bench.options;
		boolean chromium = o.browser != null;
		if (chromium && !Chromium.isInstalled()) {
			throw new IllegalStateException("--browser chromium: " + Chromium.NOT_INSTALLED);
		}
		int batch = !chromium ? 1 : (o.browserBatch > 0) ? o.browserBatch : upload ? 10 : 5;
		String what = upload ? "uploads of 10 MB" : "downloads of " + o.downloadMb + " MB";
		String how = chromium ? "headless Chromium (fetch from a page), a new process = a new QUIC connection per "
				+ "batch of " + batch + " transfers" : "Netty's HTTP/3 client, a new connection per transfer";
		progress(count + " " + what + " over h3 with " + how);
		try (ServerProcess server = this.bench.startJetty(javaHome, true)) {
			SoakTally tally = new SoakTally();
			long began = System.nanoTime();
			long deadline = began + Duration.ofMinutes(o.soakMinutes).toNanos();
			if (chromium) {
				soakChromium(server.h3Port, upload, count, batch, deadline, tally);
			}
			else {
				NettyH3Load h3 = new NettyH3Load(server.h3Port, this.bench.certificate);
				Duration timeout = Duration.ofSeconds(o.uploadTimeoutSeconds);
				while (tally.done < count && System.nanoTime() < deadline) {
					tally.add(upload ? h3.uploadOnce("/s/upload", this.bench.uploadBody, this.bench.uploadSha256, timeout)
							: h3.downloadOnce("/s/download", o.downloadBytes, timeout), "");
					if (tally.done % 10 == 0) {
						progress("  " + tally);
					}
				}
			}
			double wall = (System.nanoTime() - began) / 1e9;
			Section section = this.bench.results.section((upload ? "Uploads: " : "Downloads: ") + tally.done + " of " + count
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
		Options o = this.bench.options;
		String spki = DevelopmentCertificate.loadOrCreate(this.bench.keyStore, PASSWORD, "CN=localhost", 2).spkiSha256Base64();
		Path work = Path.of("target", "chromium", (upload ? "uploads-" : "downloads-") + System.currentTimeMillis());
		long timeoutMillis = TimeUnit.SECONDS.toMillis(o.uploadTimeoutSeconds);
		String expectedAnswer = UPLOAD_BYTES + " " + this.bench.uploadSha256;
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

}
