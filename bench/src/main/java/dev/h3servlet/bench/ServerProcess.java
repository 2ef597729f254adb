package dev.h3servlet.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
 * A benchmark server in a child JVM: {@link BenchServer} or {@link NettyBenchServer}, on a chosen JDK, with this
 * harness's class path. Started, it has printed its {@code BENCH-READY} line; closed, its standard input ends and it
 * stops (destroyed if it takes more than 10 seconds).
 */
final class ServerProcess implements AutoCloseable {

	private final Process process;

	final int tlsPort;

	final int h3Port;

	final long startMillis;

	final String binding;

	final String java;

	/** The child's {@code java.io.tmpdir}, deleted when it has stopped; {@code null} for the JVM's default. */
	private final Path temporaryDirectory;

	private ServerProcess(Process process, String ready, Path temporaryDirectory) {
		this.process = process;
		this.temporaryDirectory = temporaryDirectory;
		this.tlsPort = Integer.parseInt(field(ready, "tls"));
		this.h3Port = Integer.parseInt(field(ready, "h3"));
		this.startMillis = Long.parseLong(field(ready, "startMillis"));
		this.binding = field(ready, "binding");
		this.java = field(ready, "java");
	}

	static ServerProcess start(Path javaHome, Class<?> mainClass, List<String> jvmOptions, List<String> args)
			throws IOException {
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
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(mainClass.getName());
		command.addAll(args);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		CompletableFuture<String> ready = new CompletableFuture<>();
		StringBuilder log = new StringBuilder();
		Thread reader = new Thread(() -> {
			try {
				for (String line; (line = out.readLine()) != null;) {
					if (line.startsWith("BENCH-READY ")) {
						ready.complete(line);
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
			ready.completeExceptionally(new IOException("Server exited before it was ready: " + log));
		}, "bench-server-output");
		reader.setDaemon(true);
		reader.start();
		try {
			return new ServerProcess(process, ready.get(60, TimeUnit.SECONDS), temporaryDirectory);
		}
		catch (TimeoutException | ExecutionException | InterruptedException ex) {
			process.destroyForcibly();
			throw new IOException("Server " + command + " not ready in 60 s: " + log, ex);
		}
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

	private static String field(String line, String name) {
		for (String part : line.split(" ")) {
			if (part.startsWith(name + "=")) {
				return part.substring(name.length() + 1);
			}
		}
		throw new IllegalStateException("No " + name + " in '" + line + "'");
	}

	@Override
	public void close() throws IOException {
		this.process.getOutputStream().close();
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
