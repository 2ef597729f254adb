package dev.h3servlet.it.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * An executable jar (a Spring Boot application) run with {@code java -jar} in a child process: started and awaited
 * until a line says it serves, or run to its end when its start is meant to fail. Every wait is bounded.
 */
public final class ExecutableJar {

	private final Path jar;

	/**
	 * @param jar the jar to run
	 * @throws IllegalStateException if it is not there, naming the build that makes it
	 */
	public ExecutableJar(Path jar) {
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("No executable jar at " + jar + ": build it first, e.g. mvn -pl it -am verify");
		}
		this.jar = jar;
	}

	/** The jar of a build of the version matrix's app ({@code matrix/<build>}, e.g. {@code boot-4.0}). */
	public static ExecutableJar matrixApp(String build) {
		String matrix = System.getProperty("h3servlet.matrix.dir");
		if (matrix == null) {
			throw new IllegalStateException("System property h3servlet.matrix.dir is not set (it/pom.xml sets it)");
		}
		Path target = Path.of(matrix, build, "target");
		return new ExecutableJar(target.resolve("h3servlet-matrix-" + build + "-0.1.0-SNAPSHOT.jar"));
	}

	/** The jar named by a system property that it/pom.xml sets. */
	public static ExecutableJar fromProperty(String property) {
		String configured = System.getProperty(property);
		if (configured == null) {
			throw new IllegalStateException("System property " + property + " is not set (it/pom.xml sets it)");
		}
		return new ExecutableJar(Path.of(configured));
	}

	/** The jar file. */
	public Path path() {
		return this.jar;
	}

	ProcessBuilder command(Path javaHome, List<String> jvmOptions, Path workingDirectory, List<String> arguments) {
		List<String> command = new ArrayList<>();
		command.add(javaHome.resolve("bin").resolve("java").toString());
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(this.jar.toAbsolutePath().toString());
		command.addAll(arguments);
		return new ProcessBuilder(command).directory(workingDirectory.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
	}

	/**
	 * Starts {@code java [jvmOptions] -jar <jar> [arguments]} and waits until a line of its output matches.
	 * @return the running process; its {@code ready()} matcher holds the matching line's groups
	 * @throws Exception if it cannot start or is not ready in time (the message holds its output)
	 */
	public Running start(Path javaHome, List<String> jvmOptions, Path workingDirectory, List<String> arguments,
			Pattern ready) throws Exception {
		ProcessBuilder builder = command(javaHome, jvmOptions, workingDirectory, arguments);
		return new Running(ChildProcess.start(this.jar.getFileName() + " on " + javaHome, builder, ready));
	}

	/**
	 * Runs {@code java -jar <jar> [arguments]} to its end, for a start that is meant to fail.
	 * @return everything it printed (standard output and error)
	 * @throws IllegalStateException if it exits with 0, or does not exit in time (it is then killed)
	 */
	public List<String> runToExit(Path javaHome, Path workingDirectory, List<String> arguments, Duration timeout)
			throws Exception {
		Path log = Files.createTempFile(workingDirectory, "run-", ".log");
		Process process = command(javaHome, List.of(), workingDirectory, arguments).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			throw new IllegalStateException(this.jar.getFileName() + " did not exit within " + timeout + ":\n"
					+ Files.readString(log));
		}
		List<String> output = Files.readAllLines(log);
		if (process.exitValue() == 0) {
			throw new IllegalStateException(this.jar.getFileName() + " exited with 0:\n" + String.join("\n", output));
		}
		return output;
	}

	/** A started jar: what it printed, the line it was awaited for, and its stop. */
	public static final class Running implements AutoCloseable {

		private final ChildProcess child;

		Running(ChildProcess child) {
			this.child = child;
		}

		/** The line that said it serves, matched. */
		public java.util.regex.Matcher ready() {
			return this.child.ready();
		}

		/** What it printed so far. */
		public List<String> output() {
			return this.child.output();
		}

		/** Stops it with SIGTERM; kills it if it does not exit in time. */
		@Override
		public void close() throws Exception {
			this.child.stop(false);
		}

	}

}
