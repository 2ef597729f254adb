package dev.h3servlet.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process an end-to-end test runs (a JVM serving an app): started, awaited until a line of its output matches a
 * pattern, then stopped. Every wait is bounded; its output (stdout and stderr) is kept for assertions and printed to
 * the test's output, prefixed with its name, when it is stopped.
 */
public final class ChildProcess {

	static final long READY_TIMEOUT_SECONDS = 60;

	static final long STOP_TIMEOUT_SECONDS = 15;

	private final String name;

	private final Process process;

	private final Pattern readyPattern;

	private final List<String> output = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Matcher> ready = new CompletableFuture<>();

	private Thread reader;

	private ChildProcess(String name, Process process, Pattern readyPattern) {
		this.name = name;
		this.process = process;
		this.readyPattern = readyPattern;
	}

	/**
	 * Starts the process and waits until a line of its output matches the pattern.
	 * @throws IllegalStateException if it is not ready in time or ends first (the message holds its output)
	 */
	public static ChildProcess start(String name, ProcessBuilder builder, Pattern readyPattern) throws Exception {
		ChildProcess child = new ChildProcess(name, builder.redirectErrorStream(true).start(), readyPattern);
		child.reader = new Thread(child::readOutput, name + "-output");
		child.reader.setDaemon(true);
		child.reader.start();
		try {
			child.ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			return child;
		}
		catch (TimeoutException | ExecutionException ex) {
			child.process.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			throw new IllegalStateException("The " + name + " was not ready in " + READY_TIMEOUT_SECONDS
					+ " s; its output:\n" + child.joinedOutput(), ex);
		}
	}

	/**
	 * Runs a short command to its end and returns what it printed (stdout and stderr). Its stdin stays open (and
	 * empty) until it exited.
	 * @throws IllegalStateException if it exits with another code than 0, or does not exit in time (it is then
	 * killed); the message holds its output
	 */
	public static List<String> run(String name, ProcessBuilder builder, long timeoutSeconds) throws Exception {
		Process process = builder.redirectErrorStream(true).start();
		CompletableFuture<List<String>> output = CompletableFuture.supplyAsync(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				return lines.lines().toList();
			}
			catch (IOException ex) {
				return List.of("(its output could not be read: " + ex + ")");
			}
		});
		if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			throw new IllegalStateException("The " + name + " did not exit within " + timeoutSeconds
					+ " s; its output:\n" + String.join("\n", output.getNow(List.of())));
		}
		process.getOutputStream().close();
		List<String> lines = output.get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		lines.forEach((line) -> System.out.println("[" + name + "] " + line));
		if (process.exitValue() != 0) {
			throw new IllegalStateException("The " + name + " exited with " + process.exitValue() + "; its output:\n"
					+ String.join("\n", lines));
		}
		return lines;
	}

	/** The line that said it was ready. */
	Matcher ready() {
		return this.ready.join();
	}

	public List<String> output() {
		return List.copyOf(this.output);
	}

	/**
	 * What it printed, once that satisfies the condition (a line that follows the one the start waited for, a count
	 * of progress lines), or once the timeout has passed.
	 * @param condition the output to wait for
	 * @param timeout how long to wait at most
	 * @return its output so far
	 * @throws InterruptedException if interrupted while waiting
	 */
	public List<String> awaitOutput(Predicate<List<String>> condition, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<String> output = output();
		while (!condition.test(output) && System.nanoTime() < deadline) {
			Thread.sleep(50);
			output = output();
		}
		return output;
	}

	public String joinedOutput() {
		return String.join("\n", this.output);
	}

	/**
	 * Terminates it as {@code kill} does (SIGTERM on Linux: shutdown hooks run), and nothing more: unlike
	 * {@link Process#destroy()}, its stdin stays open (a child that stops when its stdin closes is not stopped that
	 * way as well) and its output is read to the end, so that {@link #output()} then holds all it printed, its
	 * shutdown hooks' messages included.
	 * @return its exit code
	 * @throws IllegalStateException if it does not exit in time (it is then killed)
	 */
	int terminate() throws InterruptedException, IOException {
		return terminate(false);
	}

	/**
	 * Terminates it as {@link #terminate()} does, closing its stdin right after the signal when {@code closeStdin}
	 * (a child that stops when its stdin closes then stops while its shutdown hooks run).
	 */
	int terminate(boolean closeStdin) throws InterruptedException, IOException {
		this.process.toHandle().destroy();
		if (closeStdin) {
			this.process.getOutputStream().close();
		}
		awaitExit("SIGTERM");
		awaitOutputEnd();
		return this.process.exitValue();
	}

	/** Kills it (SIGKILL) and waits until it exited and its output was read to the end. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		awaitExit("SIGKILL");
		awaitOutputEnd();
	}

	/** Once it exited: waits (bounded) until its output was read to the end. */
	private void awaitOutputEnd() throws InterruptedException {
		this.reader.join(TimeUnit.SECONDS.toMillis(STOP_TIMEOUT_SECONDS));
		if (this.reader.isAlive()) {
			this.output.add("(its output did not end within " + STOP_TIMEOUT_SECONDS + " s of its exit)");
		}
	}

	/**
	 * Stops it: by closing its stdin when {@code closeStdin}, else with SIGTERM; prints its output.
	 * @throws IllegalStateException if it does not exit in time (it is then killed)
	 */
	public void stop(boolean closeStdin) throws Exception {
		try {
			if (!this.process.isAlive()) {
				return;
			}
			if (closeStdin) {
				this.process.getOutputStream().close();
				awaitExit("its stdin closing");
				awaitOutputEnd();
			}
			else {
				terminate();
			}
		}
		finally {
			this.output.forEach((line) -> System.out.println("[" + this.name + "] " + line));
		}
	}

	private void awaitExit(String after) throws InterruptedException {
		if (this.process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
			return;
		}
		this.process.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		throw new IllegalStateException("The " + this.name + " did not exit within " + STOP_TIMEOUT_SECONDS
				+ " s of " + after + "; its output:\n" + joinedOutput());
	}

	private void readOutput() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				this.output.add(line);
				Matcher matcher = this.readyPattern.matcher(line);
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
