package dev.h3servlet.it.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.h3servlet.test.TestCertificate;

/**
 * {@link SampleServerMain} run as a child JVM: started and awaited until it serves, then stopped by closing its
 * stdin ({@link #close()}) or terminated like {@code kill} would ({@link #terminate()}). Every wait is bounded; its
 * output is kept for assertions and printed to this test's output when it is closed.
 */
public final class SampleServerProcess implements AutoCloseable {

	private static final Pattern READY = Pattern.compile("READY port=(\\d+) pemWorkDir=(\\S+)");

	private final ChildProcess child;

	private SampleServerProcess(ChildProcess child) {
		this.child = child;
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
		return new SampleServerProcess(ChildProcess.start("sample server on " + javaHome, new ProcessBuilder(command),
				READY));
	}

	/** The port it serves on, the same number over TCP and UDP. */
	public int port() {
		return Integer.parseInt(this.child.ready().group(1));
	}

	/** The PEM work directory its HTTP/3 connector uses. */
	public Path pemWorkDirectory() {
		return Path.of(this.child.ready().group(2));
	}

	/** What it printed so far. */
	public List<String> output() {
		return this.child.output();
	}

	/**
	 * Terminates it as {@code kill} does (SIGTERM on Linux: shutdown hooks run, the server is not stopped), and waits
	 * until it exited and its output was read to the end.
	 * @return its exit code
	 * @throws Exception if it does not exit in time
	 */
	public int terminate() throws Exception {
		return this.child.terminate();
	}

	/**
	 * Terminates it with SIGTERM while it stops its server (its stdin is closed right after the signal), as an app whose
	 * own shutdown hook stops the server does (Spring Boot's); waits until it exited and its output was read to the end.
	 * @return its exit code
	 * @throws Exception if it does not exit in time
	 */
	public int terminateWhileStopping() throws Exception {
		return this.child.terminate(true);
	}

	/** Stops it by closing its stdin; destroys it if it does not stop in time, and then fails. */
	@Override
	public void close() throws Exception {
		this.child.stop(true);
	}

}
