package dev.h3servlet.test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs Debian's {@code /usr/bin/chromium} headless as a real process, forcing QUIC (HTTP/3) on one origin and
 * trusting one certificate by the SHA-256 of its public key, and returns the DOM it dumps once the page has loaded.
 * Every run gets a fresh profile directory, deleted afterwards, and is bounded in time; its standard output and
 * error (and optionally a net-log) are kept in an output directory for diagnostics. Shared by the integration tests
 * (which skip when {@link #isInstalled()} is false) and the benchmark's browser transfers; it depends on no test
 * framework.
 * <p>
 * Traffic stays on the forced host: even with {@code --disable-background-networking}, Chromium 156 still asks
 * Google for the time, for updates and for signed-in accounts, so every other host name is made unresolvable
 * ({@code --host-resolver-rules}) and proxies are switched off.
 * <pre>{@code
 * Chromium.Result result = Chromium.forceQuicOn(uri)
 *     .trustSpki(certificate.spkiSha256Base64())
 *     .dumpDom(uri, Path.of("target", "chromium", "my-test"));
 * }</pre>
 */
public final class Chromium {

	/** Where Debian's {@code chromium} package puts its launcher. */
	public static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

	/** What to do when {@link #EXECUTABLE} is absent. */
	public static final String NOT_INSTALLED = EXECUTABLE + " is missing: install Debian's chromium package "
			+ "(apt-get install -y chromium)";

	private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration DEFAULT_VIRTUAL_TIME_BUDGET = Duration.ofSeconds(10);

	private final String host;

	private final int port;

	private String spki;

	private Duration timeout = DEFAULT_TIMEOUT;

	private Duration virtualTimeBudget = DEFAULT_VIRTUAL_TIME_BUDGET;

	private boolean netLog;

	private Chromium(String host, int port) {
		this.host = host;
		this.port = port;
	}

	/** Whether {@link #EXECUTABLE} is there to run. */
	public static boolean isInstalled() {
		return Files.isExecutable(EXECUTABLE);
	}

	/**
	 * A run that speaks QUIC to the origin of the given URI without discovering it first (no Alt-Svc, no TCP).
	 * Chromium matches the forced origin by exact host, so use the same host in the URLs it loads.
	 */
	public static Chromium forceQuicOn(URI uri) {
		Objects.requireNonNull(uri, "uri");
		if (uri.getHost() == null || uri.getPort() < 0) {
			throw new IllegalArgumentException("uri: " + uri + " (expected: a host and an explicit port)");
		}
		return new Chromium(uri.getHost(), uri.getPort());
	}

	/**
	 * Trusts the server certificate whose SubjectPublicKeyInfo has this base64 SHA-256 (required over QUIC: plain
	 * {@code --ignore-certificate-errors} ends in {@code ERR_QUIC_PROTOCOL_ERROR}).
	 */
	public Chromium trustSpki(String spkiSha256Base64) {
		this.spki = Objects.requireNonNull(spkiSha256Base64, "spkiSha256Base64");
		return this;
	}

	/** How long the process may run before it is killed; 60 s unless set. */
	public Chromium timeout(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
		}
		this.timeout = timeout;
		return this;
	}

	/**
	 * The virtual time the page gets before its DOM is dumped; virtual time stands still while network fetches are
	 * pending, so scripts that {@code fetch()} finish before the dump. 10 s unless set; zero dumps at the load event,
	 * which is enough for inline scripts but not for a {@code fetch()} they start.
	 */
	public Chromium virtualTimeBudget(Duration virtualTimeBudget) {
		Objects.requireNonNull(virtualTimeBudget, "virtualTimeBudget");
		if (virtualTimeBudget.isNegative()) {
			throw new IllegalArgumentException("virtualTimeBudget: " + virtualTimeBudget + " (expected: >= 0)");
		}
		this.virtualTimeBudget = virtualTimeBudget;
		return this;
	}

	/** Also writes a net-log ({@code netlog.json}, without cookies, credentials or payloads) to the output directory. */
	public Chromium netLog(boolean netLog) {
		this.netLog = netLog;
		return this;
	}

	/**
	 * Loads the URL headless and returns what Chromium printed with {@code --dump-dom}.
	 * @param url the page to load
	 * @param outputDirectory where {@code stdout.txt}, {@code stderr.txt} and the net-log go (created if needed)
	 * @return the finished run
	 * @throws IOException if the process cannot be started or did not finish within the timeout
	 * @throws InterruptedException if interrupted while waiting for it
	 */
	public Result dumpDom(URI url, Path outputDirectory) throws IOException, InterruptedException {
		Objects.requireNonNull(url, "url");
		Files.createDirectories(outputDirectory);
		Path stdout = outputDirectory.resolve("stdout.txt");
		Path stderr = outputDirectory.resolve("stderr.txt");
		Path profile = Files.createTempDirectory("h3servlet-chromium-");
		try {
			List<String> command = command(url, profile, outputDirectory.resolve("netlog.json").toAbsolutePath());
			Files.writeString(outputDirectory.resolve("command.txt"), String.join(" ", command) + "\n");
			Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
				.redirectError(stderr.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
				.start();
			int exitCode = waitFor(process, stderr);
			return new Result(exitCode, Files.readString(stdout, StandardCharsets.UTF_8), stdout.toAbsolutePath(),
					stderr.toAbsolutePath());
		}
		finally {
			deleteRecursively(profile);
		}
	}

	private List<String> command(URI url, Path profile, Path netLogFile) {
		List<String> command = new ArrayList<>(List.of(EXECUTABLE.toString(), "--headless", "--no-sandbox",
				"--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE " + this.host,
				"--user-data-dir=" + profile, "--origin-to-force-quic-on=" + this.host + ":" + this.port));
		if (!this.virtualTimeBudget.isZero()) {
			command.add("--virtual-time-budget=" + this.virtualTimeBudget.toMillis());
		}
		if (this.spki != null) {
			command.add("--ignore-certificate-errors-spki-list=" + this.spki);
		}
		if (this.netLog) {
			command.add("--log-net-log=" + netLogFile);
			command.add("--net-log-capture-mode=Default");
		}
		command.add("--dump-dom");
		command.add(url.toString());
		return command;
	}

	private int waitFor(Process process, Path stderr) throws IOException, InterruptedException {
		try {
			if (!process.waitFor(this.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IOException("Chromium did not finish within " + this.timeout + "; see " + stderr);
			}
			return process.exitValue();
		}
		finally {
			if (process.isAlive()) {
				destroyForcibly(process);
			}
		}
	}

	private void destroyForcibly(Process process) throws InterruptedException {
		List<ProcessHandle> descendants = process.descendants().toList();
		descendants.forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		process.waitFor(10, TimeUnit.SECONDS);
		for (ProcessHandle descendant : descendants) {
			descendant.onExit().completeOnTimeout(descendant, 10, TimeUnit.SECONDS).join();
		}
	}

	private static void deleteRecursively(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

	/**
	 * A finished run of Chromium.
	 * @param exitCode the process's exit code
	 * @param dom what it printed on standard output: the serialized DOM
	 * @param stdout the file holding standard output
	 * @param stderr the file holding standard error (Chromium's log)
	 */
	public record Result(int exitCode, String dom, Path stdout, Path stderr) {

		/** The text of the element with this id, or {@code null} if the DOM has no such element. */
		public String textOf(String id) {
			Matcher matcher = Pattern
				.compile("<([a-zA-Z0-9]+)[^>]*\\sid=\"" + Pattern.quote(id) + "\"[^>]*>(.*?)</\\1>", Pattern.DOTALL)
				.matcher(this.dom);
			return matcher.find() ? matcher.group(2) : null;
		}

		/** For assertion messages: where to look when the DOM is not what was expected. */
		public String describe() {
			return "Chromium exited with " + this.exitCode + "; stdout in " + this.stdout + ", stderr in " + this.stderr
					+ "; DOM:\n" + this.dom;
		}

	}

}
