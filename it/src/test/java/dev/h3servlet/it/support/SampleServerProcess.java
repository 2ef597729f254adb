package dev.h3servlet.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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

import dev.h3servlet.connector.testing.TestCertificate;

/**
 * {@link SampleServerMain} run as a child JVM: started and awaited until it serves, then stopped by closing its
 * stdin ({@link #close()}) or terminated like {@code kill} would ({@link #terminate()}). Every wait is bounded; its
 * output is kept for assertions and printed to this test's output when it is closed.
 */
public final class SampleServerProcess implements AutoCloseable {

	private static final long READY_TIMEOUT_SECONDS = 60;

	private static final long STOP_TIMEOUT_SECONDS = 15;

	private static final Pattern READY = Pattern.compile("READY port=(\\d+) pemWorkDir=(\\S+)");

	private final Process process;

	private final List<String> output = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Matcher> ready = new CompletableFuture<>();

	private SampleServerProcess(Process process) {
		this.process = process;
	}

	/**
	 * Starts the sample server on the JDK at {@code javaHome}, with this JVM's class path, and waits until it serves.
	 * @param javaHome the JDK to run
	 * @param jvmOptions options before the main class, e.g. {@code --enable-native-access=ALL-UNNAMED}
	 * @param certificate the server's key store
	 * @return the running server
	 * @throws Exception if it cannot start or is not ready in time (the message holds its output)
	 */
	public static SampleServerProcess start(Path javaHome, List<String> jvmOptions, TestCertificate certificate)
			throws Exception {
		List<String> command = new ArrayList<>();
		command.add(javaHome.resolve("bin").resolve("java").toString());
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(SampleServerMain.class.getName());
		command.add(certificate.keyStore().toString());
		command.add(certificate.password());
		SampleServerProcess server = new SampleServerProcess(
				new ProcessBuilder(command).redirectErrorStream(true).start());
		Thread reader = new Thread(server::readOutput, "sample-server-output");
		reader.setDaemon(true);
		reader.start();
		try {
			server.ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			return server;
		}
		catch (TimeoutException | ExecutionException ex) {
			server.process.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			throw new IllegalStateException("The sample server on " + javaHome + " was not ready in "
					+ READY_TIMEOUT_SECONDS + " s; its output:\n" + String.join("\n", server.output), ex);
		}
	}

	/** The port it serves on, the same number over TCP and UDP. */
	public int port() {
		return Integer.parseInt(this.ready.join().group(1));
	}

	/** The PEM work directory its HTTP/3 connector uses. */
	public Path pemWorkDirectory() {
		return Path.of(this.ready.join().group(2));
	}

	/** What it printed so far. */
	public List<String> output() {
		return List.copyOf(this.output);
	}

	/**
	 * Terminates it as {@code kill} does (SIGTERM on Linux: shutdown hooks run, the server is not stopped).
	 * @return its exit code
	 * @throws Exception if it does not exit in time
	 */
	public int terminate() throws Exception {
		this.process.destroy();
		if (!this.process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			throw new IllegalStateException("The sample server did not exit within " + STOP_TIMEOUT_SECONDS
					+ " s of SIGTERM; its output:\n" + String.join("\n", this.output));
		}
		return this.process.exitValue();
	}

	/** Stops it by closing its stdin; destroys it if it does not stop in time, and then fails. */
	@Override
	public void close() throws Exception {
		try {
			if (!this.process.isAlive()) {
				return;
			}
			this.process.getOutputStream().close();
			if (this.process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				return;
			}
			this.process.destroy();
			if (!this.process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			}
			throw new IllegalStateException("The sample server did not stop within " + STOP_TIMEOUT_SECONDS
					+ " s of its stdin closing; its output:\n" + String.join("\n", this.output));
		}
		finally {
			this.output.forEach((line) -> System.out.println("[child] " + line));
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
