package dev.h3servlet.bench;

import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a kind of benchmark server in a child JVM says that it is ready, and how it is stopped: a {@link Parser} reads
 * the child's output line by line until it has the fields of a {@code BENCH-READY} line ({@link Ready}).
 * <ul>
 * <li>{@link #BENCH_READY}: children that print {@code BENCH-READY tls=<port> h3=<port> startMillis=<ms>
 * binding=<text> java=<version>} and stop when their standard input ends ({@link BenchServer},
 * {@link NettyBenchServer}, the WebFlux peer).</li>
 * <li>{@link #springBootLog(String)}: a Spring Boot application on Jetty with the h3servlet starter, as it is (the
 * demo): read from the INFO lines of exactly the loggers that say it, which its {@link #arguments()} turn on; it is
 * stopped as a service is, by SIGTERM (Boot's shutdown hook), after its standard input is closed.</li>
 * </ul>
 */
final class ReadySignal {

	/** Children that print a {@code BENCH-READY} line and stop at the end of their standard input. */
	static final ReadySignal BENCH_READY = new ReadySignal(List.of(), true, () -> ReadySignal::benchReady);

	private final List<String> arguments;

	private final boolean stopsAtEndOfInput;

	private final Supplier<Parser> parsers;

	private ReadySignal(List<String> arguments, boolean stopsAtEndOfInput, Supplier<Parser> parsers) {
		this.arguments = arguments;
		this.stopsAtEndOfInput = stopsAtEndOfInput;
		this.parsers = parsers;
	}

	/**
	 * A Spring Boot application on Jetty with the h3servlet starter: ready once Boot has logged
	 * {@code Started <application> in X seconds (process running for Y)}, with
	 * <ul>
	 * <li>{@code tls}: the {@code (ssl, ...)} port of Boot's {@code Jetty started on ports ...} line,</li>
	 * <li>{@code h3} and {@code binding}: from the h3servlet connector's
	 * {@code HTTP/3 (QUIC, <transport> transport[, quiche <binding> binding]) listening on udp://<host>:<port>} line
	 * ({@code netty}, or {@code jetty-quiche/<binding>} as {@link BenchServer} names it); {@code -1} and
	 * {@code none} without HTTP/3,</li>
	 * <li>{@code startMillis}: Y, the JVM's uptime when started, in milliseconds,</li>
	 * <li>{@code java}: from Boot's {@code Starting <application> using Java <version>} line.</li>
	 * </ul>
	 * @param applicationClass the application's main class, whose logger Boot logs its startup with
	 */
	static ReadySignal springBootLog(String applicationClass) {
		List<String> arguments = List.of("--spring.main.banner-mode=off",
				"--logging.level." + applicationClass + "=INFO",
				"--logging.level.org.springframework.boot.jetty.JettyWebServer=INFO",
				"--logging.level.dev.h3servlet.connector.netty.NettyHttp3Connector=INFO",
				"--logging.level.dev.h3servlet.connector.quiche.QuicheHttp3Connector=INFO");
		return new ReadySignal(arguments, false, SpringBootLogParser::new);
	}

	/** Arguments the child needs to print what {@link #newParser()} reads, after the caller's. */
	List<String> arguments() {
		return this.arguments;
	}

	/** Whether the child stops when its standard input ends; else it is sent SIGTERM. */
	boolean stopsAtEndOfInput() {
		return this.stopsAtEndOfInput;
	}

	/** A parser for one child's output. */
	Parser newParser() {
		return this.parsers.get();
	}

	private static Ready benchReady(String line) {
		if (!line.startsWith("BENCH-READY ")) {
			return null;
		}
		return new Ready(Integer.parseInt(field(line, "tls")), Integer.parseInt(field(line, "h3")),
				Long.parseLong(field(line, "startMillis")), field(line, "binding"), field(line, "java"));
	}

	private static String field(String line, String name) {
		for (String part : line.split(" ")) {
			if (part.startsWith(name + "=")) {
				return part.substring(name.length() + 1);
			}
		}
		throw new IllegalStateException("No " + name + " in '" + line + "'");
	}

	/** Reads one child's output; called on one thread, line by line. */
	@FunctionalInterface
	interface Parser {

		/** The child's ready fields once this line completes them, else {@code null}. */
		Ready read(String line);

	}

	/** What a child said when it was ready, as in a {@code BENCH-READY} line. */
	record Ready(int tlsPort, int h3Port, long startMillis, String binding, String java) {

	}

	/** See {@link ReadySignal#springBootLog(String)}. */
	static final class SpringBootLogParser implements Parser {

		private static final Pattern STARTING = Pattern.compile("Starting \\S+ .*?using Java (\\S+)");

		private static final Pattern JETTY_STARTED = Pattern.compile("Jetty started on ports? .*?(\\d+) \\(ssl");

		private static final Pattern HTTP3_LISTENING = Pattern.compile(
				"HTTP/3 \\(QUIC, (\\S+) transport(?:, quiche (\\S+) binding)?\\) listening on udp://\\S*:(\\d+)");

		private static final Pattern STARTED = Pattern
			.compile("Started \\S+ in [\\d.]+ seconds \\(process running for ([\\d.]+)\\)");

		private String java = "unknown";

		private int tlsPort = -1;

		private int h3Port = -1;

		private String binding = "none";

		@Override
		public Ready read(String line) {
			Matcher matcher;
			if ((matcher = STARTING.matcher(line)).find()) {
				this.java = matcher.group(1);
			}
			else if ((matcher = JETTY_STARTED.matcher(line)).find()) {
				this.tlsPort = Integer.parseInt(matcher.group(1));
			}
			else if ((matcher = HTTP3_LISTENING.matcher(line)).find()) {
				this.h3Port = Integer.parseInt(matcher.group(3));
				String quicheBinding = matcher.group(2);
				this.binding = (quicheBinding != null) ? matcher.group(1) + "/" + quicheBinding : matcher.group(1);
			}
			else if ((matcher = STARTED.matcher(line)).find()) {
				if (this.tlsPort == -1) {
					throw new IllegalStateException("Started, but no 'Jetty started on ports ... (ssl' line before: " + line);
				}
				long startMillis = Math.round(Double.parseDouble(matcher.group(1)) * 1000);
				return new Ready(this.tlsPort, this.h3Port, startMillis, this.binding, this.java);
			}
			return null;
		}

	}

}
