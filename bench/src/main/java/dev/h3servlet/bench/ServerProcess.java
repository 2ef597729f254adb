package dev.h3servlet.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A benchmark server in a child JVM, on a chosen JDK: a main class on this harness's class path ({@link BenchServer},
 * {@link NettyBenchServer}) or an executable jar (the WebFlux peer, the Spring Boot demo). Started, it has said it is
 * ready, as its {@link ReadySignal} reads it; closed, its standard input ends and it stops (sent SIGTERM if it does
 * not watch its input, destroyed if it takes more than 10 seconds).
 */
final class ServerProcess implements AutoCloseable {

	private static final long READY_TIMEOUT_SECONDS = 60;

	private final Process process;

	private final boolean stopsAtEndOfInput;

	final int tlsPort;

	final int h3Port;

	final long startMillis;

	final String binding;

	final String java;

	/** The child's {@code java.io.tmpdir}, deleted when it has stopped; {@code null} for the JVM's default. */
	private final Path temporaryDirectory;

	private ServerProcess(Process process, ReadySignal signal, ReadySignal.Ready ready, Path temporaryDirectory) {
		this.process = process;
		this.stopsAtEndOfInput = signal.stopsAtEndOfInput();
		this.temporaryDirectory = temporaryDirectory;
		this.tlsPort = ready.tlsPort();
		this.h3Port = ready.h3Port();
		this.startMillis = ready.startMillis();
		this.binding = ready.binding();
		this.java = ready.java();
	}

	/** Starts {@code java [jvmOptions] -cp <this class path> <mainClass> [args]}, ready at its BENCH-READY line. */
	static ServerProcess start(Path javaHome, Class<?> mainClass, List<String> jvmOptions, List<String> args)
			throws IOException {
		return start(javaHome, jvmOptions, List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()),
				args, ReadySignal.BENCH_READY);
	}

	/**
	 * Starts {@code java [jvmOptions] -jar <jar> [args] [signal's arguments]}.
	 * @param signal how the child says it is ready: {@link ReadySignal#BENCH_READY} for the WebFlux peer,
	 * {@link ReadySignal#springBootLog(String)} for the demo
	 */
	static ServerProcess startJar(Path javaHome, Path jar, List<String> jvmOptions, List<String> args,
			ReadySignal signal) throws IOException {
		if (!Files.isRegularFile(jar)) {
			throw new IOException(
					"No jar " + jar + ": build it first (mvn -pl bench-webflux,demo -am -DskipTests package)");
		}
		return start(javaHome, jvmOptions, List.of("-jar", jar.toString()), args, signal);
	}

	/** The Spring Boot demo's executable jar: {@code demo/target/h3servlet-demo-<version>.jar} in this project. */
	static Path demoJar() throws IOException {
		Path target = projectDirectory().resolve("demo/target");
		List<Path> jars = new ArrayList<>();
		if (Files.isDirectory(target)) {
			try (DirectoryStream<Path> found = Files.newDirectoryStream(target, "h3servlet-demo-*.jar")) {
				found.forEach(jars::add);
			}
		}
		if (jars.size() != 1) {
			throw new IOException("Expected one h3servlet-demo-*.jar in " + target + ", found " + jars
					+ ": build it with mvn -pl demo -am -DskipTests package");
		}
		return jars.get(0);
	}

	/** The WebFlux peer's executable jar: {@code bench-webflux/target/h3servlet-bench-webflux.jar}. */
	static Path webFluxJar() throws IOException {
		return projectDirectory().resolve("bench-webflux/target/h3servlet-bench-webflux.jar");
	}

	/** This project's directory: the parent of {@code bench/}, whose {@code target/} holds this harness. */
	private static Path projectDirectory() throws IOException {
		try {
			Path harness = Path.of(ServerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			return harness.toAbsolutePath().getParent().getParent().getParent();
		}
		catch (URISyntaxException ex) {
			throw new IOException("Cannot tell where the harness is", ex);
		}
	}

	private static ServerProcess start(Path javaHome, List<String> jvmOptions, List<String> launch, List<String> args,
			ReadySignal signal) throws IOException {
		List<String> command = new ArrayList<>();
		Path temporaryDirectory = null;
		command.add(javaHome.resolve("bin/java").toString());
		if (isJava22OrLater(javaHome)) {
			command.add("--enable-native-access=ALL-UNNAMED");
			// Jetty 12.1.5's foreign quiche binding extracts libquiche.so to the fixed path
			// ${java.io.tmpdir}/linux-x86-64/libquiche.so, truncating and rewriting it in place: a second Java 22+
			// JVM starting on the same host corrupts the library mapped by a running one (SIGBUS/SIGSEGV there).
			// A private temporary directory per child JVM keeps this harness and its servers apart.
			temporaryDirectory = Files.createTempDirectory("h3servlet-bench-");
			command.add("-Djava.io.tmpdir=" + temporaryDirectory);
		}
		command.addAll(jvmOptions);
		command.addAll(launch);
		command.addAll(args);
		command.addAll(signal.arguments());
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		ReadySignal.Parser parser = signal.newParser();
		CompletableFuture<ReadySignal.Ready> ready = new CompletableFuture<>();
		StringBuilder log = new StringBuilder();
		Thread reader = new Thread(() -> {
			try {
				for (String line; (line = out.readLine()) != null;) {
					ReadySignal.Ready said = ready.isDone() ? null : parser.read(line);
					if (said != null) {
						ready.complete(said);
					}
					else if (!line.contains("WARNING") || !ready.isDone()) {
						synchronized (log) {
							log.append(line).append('\n');
						}
						if (ready.isDone()) {
							System.err.println("  [server] " + line);
						}
					}
				}
			}
			catch (IOException ex) {
				// the process ended
			}
			catch (RuntimeException ex) {
				ready.completeExceptionally(ex);
			}
			ready.completeExceptionally(new IOException("Server exited before it was ready: " + log));
		}, "bench-server-output");
		reader.setDaemon(true);
		reader.start();
		try {
			return new ServerProcess(process, signal, ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS),
					temporaryDirectory);
		}
		catch (ExecutionException ex) {
			process.destroyForcibly();
			throw new IOException("Server " + command + " failed to start", ex.getCause());
		}
		catch (TimeoutException | InterruptedException ex) {
			process.destroyForcibly();
			throw new IOException("Server " + command + " not ready in " + READY_TIMEOUT_SECONDS + " s: " + log, ex);
		}
	}

	/** The child JVM's process id (it is launched as {@code java}, not through a shell). */
	long pid() {
		return this.process.pid();
	}

	/** From the JDK's {@code release} file ({@code JAVA_VERSION="25.0.1"}). */
	private static boolean isJava22OrLater(Path javaHome) throws IOException {
		Path release = javaHome.resolve("release");
		if (!Files.exists(release)) {
			return false;
		}
		Matcher matcher = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
		return matcher.find() && Integer.parseInt(matcher.group(1)) >= 22;
	}

	@Override
	public void close() throws IOException {
		this.process.getOutputStream().close();
		if (!this.stopsAtEndOfInput) {
			// SIGTERM: a Spring Boot application stops in its shutdown hook, gracefully.
			this.process.destroy();
		}
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
		if (this.temporaryDirectory != null && !this.process.isAlive()) {
			try (Stream<Path> paths = Files.walk(this.temporaryDirectory)) {
				for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(path);
				}
			}
		}
	}

}
