package dev.h3servlet.it.parity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.connector.testing.JettyClients;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Existing apps receive HTTP/3 traffic unchanged", measured: every case of the {@link ParityCatalogue} runs over
 * HTTP/1.1, HTTP/2 and HTTP/3 against one server ({@code Http3ServletServer}), with one client stack (Jetty's
 * {@code HttpClient} and its three transports). Each run checks the protocol on both sides; the normalised
 * {@link Observation}s of HTTP/2 and HTTP/3 must equal HTTP/1.1's, except for the {@link KnownDifferences}. A table
 * (case × protocol: OK, KNOWN, DIFF, FAIL) is printed at the end.
 */
@Tag(TestTransport.BOTH)
class ProtocolParityTests {

	private static final List<HttpVersion> VERSIONS = List.of(HttpVersion.HTTP_1_1, HttpVersion.HTTP_2,
			HttpVersion.HTTP_3);

	static final ParityApp app = new ParityApp();

	static Path directory;

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> {
		try {
			directory = Files.createTempDirectory("h3servlet-parity-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a directory for the parity app's files", ex);
		}
		app.configure(builder, directory);
	});

	static final Map<HttpVersion, HttpClient> clients = new EnumMap<>(HttpVersion.class);

	static final Map<String, Map<HttpVersion, String>> table = new LinkedHashMap<>();

	static final List<String> details = new ArrayList<>();

	static final Set<KnownDifferences.KnownDifference> usedKnown = new LinkedHashSet<>();

	static long started;

	@BeforeAll
	static void startClients() throws Exception {
		started = System.nanoTime();
		clients.put(HttpVersion.HTTP_1_1, JettyClients.http11());
		clients.put(HttpVersion.HTTP_2, JettyClients.http2());
		clients.put(HttpVersion.HTTP_3, JettyClients.http3());
		clients.values().forEach(ProtocolParityTests::configure);
	}

	@AfterAll
	static void stopClientsAndPrintTable() throws Exception {
		try {
			for (HttpClient client : clients.values()) {
				client.stop();
			}
			app.shutdown();
		}
		finally {
			printTable((System.nanoTime() - started) / 1_000_000);
			deleteRecursively(directory);
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

	private static void run(ParityCase parityCase) {
		Map<HttpVersion, Observation> observations = new EnumMap<>(HttpVersion.class);
		Map<HttpVersion, String> cells = new EnumMap<>(HttpVersion.class);
		Map<HttpVersion, Long> millis = new EnumMap<>(HttpVersion.class);
		List<String> problems = new ArrayList<>();
		URI base = server.uri("/");
		for (HttpVersion version : VERSIONS) {
			HttpClient client = clients.get(version);
			// A fresh cookie store per case and protocol: no session leaks from one run into another.
			client.getHttpCookieStore().clear();
			CaseRun run = new CaseRun(parityCase.name(), version, client, base);
			long start = System.nanoTime();
			try {
				parityCase.exchanges().run(run);
				run.finish(app.protocolLog());
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
					usedKnown.add(known);
					details.add("KNOWN#" + (KnownDifferences.ALL.indexOf(known) + 1) + " " + line);
					cell = cell.equals("DIFF") ? cell : "KNOWN";
				}
				else {
					details.add("DIFF  " + line);
					problems.add(line);
					cell = "DIFF";
				}
			}
			cells.put(version, cell);
		}
		Map<HttpVersion, String> timed = new EnumMap<>(HttpVersion.class);
		cells.forEach((version, cell) -> timed.put(version, String.format("%-5s %6d ms", cell, millis.get(version))));
		table.put(parityCase.name(), timed);
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
	private static void renewClient(HttpVersion version) throws Exception {
		clients.remove(version).stop();
		HttpClient client = switch (version) {
			case HTTP_1_1 -> JettyClients.http11();
			case HTTP_2 -> JettyClients.http2();
			default -> JettyClients.http3();
		};
		configure(client);
		clients.put(version, client);
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

	private static void printTable(long millis) {
		int width = Math.max(10, table.keySet().stream().mapToInt(String::length).max().orElse(10));
		StringBuilder out = new StringBuilder();
		out.append(System.lineSeparator()).append("Protocol parity (").append(table.size()).append(" cases, ")
			.append(millis).append(" ms; h2 and h3 compared with HTTP/1.1)").append(System.lineSeparator());
		out.append(String.format("%-" + width + "s  %-14s  %-14s  %-14s%n", "case", "HTTP/1.1", "HTTP/2", "HTTP/3"));
		Map<String, Integer> totals = new LinkedHashMap<>();
		table.forEach((name, cells) -> {
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
				.append(usedKnown.contains(known) ? " [seen]     " : " [not seen] ")
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
		if (!details.isEmpty()) {
			out.append("Differences:").append(System.lineSeparator());
			details.forEach((line) -> out.append("  ").append(line).append(System.lineSeparator()));
		}
		System.out.print(out);
		System.out.flush();
	}

	private static void deleteRecursively(Path path) throws IOException {
		if (path == null || !Files.exists(path)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(path)) {
			for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(each);
			}
		}
	}

}
