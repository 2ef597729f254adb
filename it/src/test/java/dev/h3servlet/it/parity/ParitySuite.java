package dev.h3servlet.it.parity;

import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.h3servlet.test.JettyClients;
import dev.h3servlet.test.LifeCycles;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/**
 * "Existing apps receive HTTP/3 traffic unchanged", measured: every case of the {@link ParityCatalogue} runs over
 * HTTP/1.1, HTTP/2 and HTTP/3 against one deployment of the test application ({@code test-app/}), with one client
 * stack (Jetty's {@code HttpClient} and its three transports). Each run checks the protocol on both sides (the
 * server's side through the app's {@code /protocols}); the normalised {@link Observation}s of HTTP/2 and HTTP/3 must
 * equal HTTP/1.1's, except for the {@link KnownDifferences}. A table (case × protocol: OK, KNOWN, DIFF, FAIL) is
 * printed at the end. Each subclass is one kind of user's deployment: embedded, under Spring Boot, a WAR on a
 * standalone Jetty.
 */
@TestInstance(Lifecycle.PER_CLASS)
abstract class ParitySuite {

	private static final List<HttpVersion> VERSIONS = List.of(HttpVersion.HTTP_1_1, HttpVersion.HTTP_2,
			HttpVersion.HTTP_3);

	private final Map<HttpVersion, HttpClient> clients = new EnumMap<>(HttpVersion.class);

	private final Map<String, Map<HttpVersion, String>> table = new LinkedHashMap<>();

	private final List<String> details = new ArrayList<>();

	private final Set<KnownDifferences.KnownDifference> usedKnown = new LinkedHashSet<>();

	/** Asks the app what protocol its servlets saw; a client of its own, so that no case's client is touched. */
	private HttpClient logClient;

	private long started;

	/** The deployment's root URI ({@code https://127.0.0.1:port/}), once it is started. */
	abstract URI base();

	/** The deployment, as the table names it. */
	abstract String deployment();

	@BeforeAll
	void startClients() throws Exception {
		this.started = System.nanoTime();
		this.clients.put(HttpVersion.HTTP_1_1, JettyClients.http11());
		this.clients.put(HttpVersion.HTTP_2, JettyClients.http2());
		this.clients.put(HttpVersion.HTTP_3, JettyClients.http3());
		this.clients.values().forEach(ParitySuite::configure);
		this.logClient = JettyClients.http11();
	}

	@AfterAll
	void stopClientsAndPrintTable() throws Exception {
		try {
			List<HttpClient> all = new ArrayList<>(this.clients.values());
			all.add(this.logClient);
			LifeCycles.stopAll(all.toArray(HttpClient[]::new));
		}
		finally {
			printTable((System.nanoTime() - this.started) / 1_000_000);
		}
	}

	@TestFactory
	Stream<DynamicTest> everyCaseAgreesOverHttp11Http2AndHttp3() {
		List<ParityCase> cases = ParityCatalogue.cases();
		Set<String> names = new LinkedHashSet<>();
		cases.forEach((parityCase) -> {
			if (!names.add(parityCase.name())) {
				throw new IllegalStateException("Duplicate case name " + parityCase.name());
			}
		});
		return cases.stream().map((parityCase) -> DynamicTest.dynamicTest(parityCase.name(), () -> run(parityCase)));
	}

	private void run(ParityCase parityCase) {
		Map<HttpVersion, Observation> observations = new EnumMap<>(HttpVersion.class);
		Map<HttpVersion, String> cells = new EnumMap<>(HttpVersion.class);
		Map<HttpVersion, Long> millis = new EnumMap<>(HttpVersion.class);
		List<String> problems = new ArrayList<>();
		URI base = base();
		for (HttpVersion version : VERSIONS) {
			HttpClient client = this.clients.get(version);
			// A fresh cookie store per case and protocol: no session leaks from one run into another.
			client.getHttpCookieStore().clear();
			CaseRun run = new CaseRun(parityCase.name(), version, client, (stalled) -> {
				renewClient(stalled);
				return this.clients.get(stalled);
			}, base);
			long start = System.nanoTime();
			try {
				parityCase.exchanges().run(run);
				run.finish(this::protocolsSeen);
				observations.put(version, run.observation());
				if (run.exchangeFailed()) {
					renewClient(version);
				}
			}
			catch (Throwable ex) {
				cells.put(version, "FAIL");
				problems.add(version + " failed: " + ex);
				try {
					renewClient(version);
				}
				catch (Exception renewal) {
					problems.add(version + " client not renewed: " + renewal);
				}
			}
			millis.put(version, (System.nanoTime() - start) / 1_000_000);
		}
		Observation reference = observations.get(HttpVersion.HTTP_1_1);
		if (reference != null) {
			cells.putIfAbsent(HttpVersion.HTTP_1_1, "OK");
		}
		for (HttpVersion version : VERSIONS.subList(1, VERSIONS.size())) {
			Observation observation = observations.get(version);
			if (observation == null || reference == null || cells.containsKey(version)) {
				cells.putIfAbsent(version, "-");
				continue;
			}
			String cell = "OK";
			Set<String> keys = new LinkedHashSet<>(reference.facts().keySet());
			keys.addAll(observation.facts().keySet());
			for (String key : keys) {
				String expected = reference.facts().get(key);
				String actual = observation.facts().get(key);
				if (Objects.equals(expected, actual)) {
					continue;
				}
				KnownDifferences.KnownDifference known = KnownDifferences.find(parityCase.name(), key, version,
						reference.facts(), observation.facts());
				String line = parityCase.name() + " " + version + " '" + key + "': "
						+ difference(expected, actual, version);
				if (known != null) {
					this.usedKnown.add(known);
					this.details.add("KNOWN#" + (KnownDifferences.ALL.indexOf(known) + 1) + " " + line);
					cell = cell.equals("DIFF") ? cell : "KNOWN";
				}
				else {
					this.details.add("DIFF  " + line);
					problems.add(line);
					cell = "DIFF";
				}
			}
			cells.put(version, cell);
		}
		Map<HttpVersion, String> timed = new EnumMap<>(HttpVersion.class);
		cells.forEach((version, cell) -> timed.put(version, String.format("%-5s %6d ms", cell, millis.get(version))));
		this.table.put(parityCase.name(), timed);
		if (!problems.isEmpty()) {
			throw new AssertionError(parityCase.name() + " (" + parityCase.covers() + "):\n  "
					+ String.join("\n  ", problems));
		}
	}

	/** Both values, or for multi-line texts only the lines that are not in both. */
	private static String difference(String expected, String actual, HttpVersion version) {
		if (expected != null && actual != null && expected.contains("\n") && actual.contains("\n")) {
			List<String> onlyExpected = new ArrayList<>(List.of(expected.split("\n")));
			List<String> onlyActual = new ArrayList<>(List.of(actual.split("\n")));
			List<String> common = new ArrayList<>(onlyExpected);
			common.retainAll(onlyActual);
			onlyExpected.removeAll(common);
			onlyActual.removeAll(common);
			return "lines only over HTTP/1.1: " + abbreviate(String.join("\n", onlyExpected)) + "; only over "
					+ version + ": " + abbreviate(String.join("\n", onlyActual));
		}
		return "HTTP/1.1=" + abbreviate(expected) + " " + version + "=" + abbreviate(actual);
	}

	/** A fresh client after a failure, so that a broken connection fails one case rather than every later one. */
	private void renewClient(HttpVersion version) throws Exception {
		this.clients.remove(version).stop();
		HttpClient client = switch (version) {
			case HTTP_1_1 -> JettyClients.http11();
			case HTTP_2 -> JettyClients.http2();
			default -> JettyClients.http3();
		};
		configure(client);
		this.clients.put(version, client);
	}

	/** What the app's servlets saw as the protocol of each request id (once per dispatch). */
	private Map<String, List<String>> protocolsSeen(List<String> ids) throws Exception {
		Request request = this.logClient.newRequest(base().resolve("protocols")).timeout(30, TimeUnit.SECONDS);
		ids.forEach((id) -> request.param("id", id));
		ContentResponse response = request.send();
		if (response.getStatus() != 200) {
			throw new AssertionError("/protocols answered " + response.getStatus());
		}
		Map<String, List<String>> seen = new LinkedHashMap<>();
		for (String line : response.getContentAsString().split("\\n")) {
			if (!line.isEmpty()) {
				List<String> fields = List.of(line.split("\\t"));
				seen.put(fields.get(0), fields.subList(1, fields.size()));
			}
		}
		return seen;
	}

	private static void configure(HttpClient client) {
		// Redirects are compared, not followed; gzip is decoded by the case that asks for it.
		client.setFollowRedirects(false);
		client.getContentDecoderFactories().clear();
	}

	private static String abbreviate(String value) {
		if (value == null) {
			return "<absent>";
		}
		String oneLine = value.replace("\r", "\\r").replace("\n", "\\n");
		return (oneLine.length() <= 300) ? oneLine : oneLine.substring(0, 300) + "...(" + oneLine.length() + " chars)";
	}

	private void printTable(long millis) {
		int width = Math.max(10, this.table.keySet().stream().mapToInt(String::length).max().orElse(10));
		StringBuilder out = new StringBuilder();
		out.append(System.lineSeparator())
			.append("Protocol parity, ")
			.append(deployment())
			.append(" (")
			.append(this.table.size())
			.append(" cases, ")
			.append(millis).append(" ms; h2 and h3 compared with HTTP/1.1)").append(System.lineSeparator());
		out.append(String.format("%-" + width + "s  %-14s  %-14s  %-14s%n", "case", "HTTP/1.1", "HTTP/2", "HTTP/3"));
		Map<String, Integer> totals = new LinkedHashMap<>();
		this.table.forEach((name, cells) -> {
			out.append(String.format("%-" + width + "s", name));
			for (HttpVersion version : VERSIONS) {
				String cell = cells.getOrDefault(version, "-");
				out.append(String.format("  %-14s", cell));
				totals.merge(version + " " + cell.split(" ")[0], 1, Integer::sum);
			}
			out.append(System.lineSeparator());
		});
		out.append("totals: ").append(totals).append(System.lineSeparator());
		out.append("Known differences (accepted):").append(System.lineSeparator());
		for (KnownDifferences.KnownDifference known : KnownDifferences.ALL) {
			out.append("  #")
				.append(KnownDifferences.ALL.indexOf(known) + 1)
				.append(this.usedKnown.contains(known) ? " [seen]     " : " [not seen] ")
				.append(known.caseName())
				.append(" '")
				.append(known.keyPart().trim())
				.append("' ")
				.append(known.versions())
				.append(": ")
				.append(known.reason())
				.append(System.lineSeparator());
		}
		out.append("Fields left out of every comparison:").append(System.lineSeparator());
		Observation.IGNORED_RESPONSE_FIELDS.forEach((name, reason) -> out.append("  ")
			.append(name)
			.append(": ")
			.append(reason)
			.append(System.lineSeparator()));
		if (!this.details.isEmpty()) {
			out.append("Differences:").append(System.lineSeparator());
			this.details.forEach((line) -> out.append("  ").append(line).append(System.lineSeparator()));
		}
		System.out.print(out);
		System.out.flush();
	}

}
