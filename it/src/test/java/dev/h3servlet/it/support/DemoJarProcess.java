package dev.h3servlet.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's executable jar ({@code demo/}, a Spring Boot application) run as {@code java -jar} in a child process,
 * configured only through command-line properties, and awaited until it prints the Chromium command that ends its
 * start-up. Stopped with SIGTERM (Boot's shutdown hook closes the context); every wait is bounded and its output is
 * printed to this test's output when it is closed.
 */
public final class DemoJarProcess implements AutoCloseable {

	/** The system property (set by it/pom.xml) naming the demo's executable jar. */
	public static final String JAR_PROPERTY = "h3servlet.demo.jar";

	private static final long READY_TIMEOUT_SECONDS = 60;

	private static final long STOP_TIMEOUT_SECONDS = 15;

	private static final Pattern READY = Pattern.compile("--origin-to-force-quic-on=localhost:(\\d+) "
			+ "--ignore-certificate-errors-spki-list=(\\S+) (https://\\S+)");

	private static final Pattern STARTED = Pattern.compile("Started DemoApplication in ([0-9.]+) seconds");

	private final Process process;

	private final List<String> output = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Matcher> ready = new CompletableFuture<>();

	private DemoJarProcess(Process process) {
		this.process = process;
	}

	/** The demo's executable jar, as built by {@code mvn package} in {@code demo/}. */
	public static Path jar() {
		String configured = System.getProperty(JAR_PROPERTY);
		if (configured == null || !Files.isRegularFile(Path.of(configured))) {
			throw new IllegalStateException("No demo jar at " + configured + " (system property " + JAR_PROPERTY
					+ "): build it first, e.g. mvn -pl it -am verify");
		}
		return Path.of(configured);
	}

	/**
	 * Starts {@code java [jvmOptions] -jar <demo jar> [arguments]} in a working directory and waits until it serves.
	 * @param javaHome the JDK to run
	 * @param jvmOptions options before {@code -jar}
	 * @param workingDirectory the process's working directory
	 * @param arguments the application's arguments, e.g. {@code --server.port=0}
	 * @return the running demo
	 * @throws Exception if it cannot start or is not ready in time (the message holds its output)
	 */
	public static DemoJarProcess start(Path javaHome, List<String> jvmOptions, Path workingDirectory,
			List<String> arguments) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(javaHome.resolve("bin").resolve("java").toString());
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(jar().toAbsolutePath().toString());
		command.addAll(arguments);
		DemoJarProcess demo = new DemoJarProcess(new ProcessBuilder(command).directory(workingDirectory.toFile())
			.redirectErrorStream(true)
			.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
			.start());
		Thread reader = new Thread(demo::readOutput, "demo-jar-output");
		reader.setDaemon(true);
		reader.start();
		try {
			demo.ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			return demo;
		}
		catch (TimeoutException | ExecutionException ex) {
			demo.process.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			throw new IllegalStateException("The demo on " + javaHome + " was not ready in " + READY_TIMEOUT_SECONDS
					+ " s; its output:\n" + String.join("\n", demo.output), ex);
		}
	}

	/** The port it serves on, the same number over TCP and UDP, as its Chromium command names it. */
	public int port() {
		return Integer.parseInt(this.ready.join().group(1));
	}

	/** The SPKI pin its Chromium command names. */
	public String spkiPin() {
		return this.ready.join().group(2);
	}

	/** The URL its Chromium command opens. */
	public URI url() {
		return URI.create(this.ready.join().group(3));
	}

	/** A URI on the demo, e.g. {@code /api/info}. */
	public URI uri(String path) {
		return url().resolve(path);
	}

	/** Boot's "Started DemoApplication in X seconds", in seconds. */
	public double startupSeconds() {
		return this.output.stream()
			.map(STARTED::matcher)
			.filter(Matcher::find)
			.mapToDouble((matcher) -> Double.parseDouble(matcher.group(1)))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No start-up line in:\n" + String.join("\n", this.output)));
	}

	/** What it printed so far. */
	public List<String> output() {
		return List.copyOf(this.output);
	}

	/** Stops it with SIGTERM; kills it if it does not exit in time, and then fails. */
	@Override
	public void close() throws Exception {
		try {
			if (!this.process.isAlive()) {
				return;
			}
			this.process.destroy();
			if (this.process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				return;
			}
			this.process.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			throw new IllegalStateException("The demo did not exit within " + STOP_TIMEOUT_SECONDS
					+ " s of SIGTERM; its output:\n" + String.join("\n", this.output));
		}
		finally {
			this.output.forEach((line) -> System.out.println("[demo] " + line));
		}
	}

	private void readOutput() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				this.output.add(line);
				Matcher matcher = READY.matcher(line);
				if (matcher.find()) {
					this.ready.complete(matcher);
				}
			}
			this.ready.completeExceptionally(new IllegalStateException("its output ended"));
		}
		catch (IOException ex) {
			this.ready.completeExceptionally(ex);
		}
	}

}
