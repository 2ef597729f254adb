package dev.h3servlet.it.support;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

	private static final Pattern READY = Pattern.compile("--origin-to-force-quic-on=localhost:(\\d+) "
			+ "--ignore-certificate-errors-spki-list=(\\S+) (https://\\S+)");

	private static final Pattern STARTED = Pattern.compile("Started DemoApplication in ([0-9.]+) seconds");

	private final ChildProcess child;

	private DemoJarProcess(ChildProcess child) {
		this.child = child;
	}

	/** The demo's executable jar, as built by {@code mvn package} in {@code demo/}. */
	public static Path jar() {
		return ExecutableJar.fromProperty(JAR_PROPERTY).path();
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
		return start("demo on " + javaHome, List.of(), javaHome, jvmOptions, workingDirectory, arguments);
	}

	/**
	 * Starts the demo as {@link #start(Path, List, Path, List)} does, through a launcher that runs the command given
	 * after it (e.g. {@code ip netns exec <namespace>}, which replaces itself with the JVM).
	 * @param name what to call it in messages and in its printed output
	 */
	public static DemoJarProcess start(String name, List<String> launcher, Path javaHome, List<String> jvmOptions,
			Path workingDirectory, List<String> arguments) throws Exception {
		ProcessBuilder builder = ExecutableJar.fromProperty(JAR_PROPERTY)
			.command(javaHome, jvmOptions, workingDirectory, arguments);
		List<String> command = new ArrayList<>(launcher);
		command.addAll(builder.command());
		builder.command(command);
		return new DemoJarProcess(ChildProcess.start(name, builder, READY));
	}

	/**
	 * Runs {@code java -jar <demo jar> [arguments]} to its end, for a start that is meant to fail.
	 * @return everything it printed (standard output and error)
	 * @throws IllegalStateException if it exits with 0, or does not exit in time (it is then killed)
	 */
	public static List<String> runToExit(Path javaHome, Path workingDirectory, List<String> arguments,
			java.time.Duration timeout) throws Exception {
		return ExecutableJar.fromProperty(JAR_PROPERTY).runToExit(javaHome, workingDirectory, arguments, timeout);
	}

	/** The port it serves on, the same number over TCP and UDP, as its Chromium command names it. */
	public int port() {
		return Integer.parseInt(this.child.ready().group(1));
	}

	/** The SPKI pin its Chromium command names. */
	public String spkiPin() {
		return this.child.ready().group(2);
	}

	/** The URL its Chromium command opens. */
	public URI url() {
		return URI.create(this.child.ready().group(3));
	}

	/** A URI on the demo, e.g. {@code /api/info}. */
	public URI uri(String path) {
		return url().resolve(path);
	}

	/** Boot's "Started DemoApplication in X seconds", in seconds. */
	public double startupSeconds() {
		return this.child.output().stream()
			.map(STARTED::matcher)
			.filter(Matcher::find)
			.mapToDouble((matcher) -> Double.parseDouble(matcher.group(1)))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No start-up line in:\n" + this.child.joinedOutput()));
	}

	/** What it printed so far. */
	public List<String> output() {
		return this.child.output();
	}

	/**
	 * Terminates it with SIGTERM, as a rolling restart does (Boot's graceful shutdown drains its connections), and
	 * waits until it exited.
	 * @return its exit code
	 */
	public int terminate() throws Exception {
		return this.child.terminate();
	}

	/** Kills it with SIGKILL, as a crash would: nothing is drained. */
	public void kill() throws Exception {
		this.child.kill();
	}

	/** Stops it with SIGTERM (Boot's shutdown hook closes the context); kills it if it does not exit in time. */
	@Override
	public void close() throws Exception {
		this.child.stop(false);
	}

}
