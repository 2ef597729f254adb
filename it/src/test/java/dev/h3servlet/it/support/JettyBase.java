package dev.h3servlet.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.test.TestCertificate;

/**
 * A standalone Jetty as a user sets it up: the build's {@code jetty-home} ({@link #jettyHome()}, unpacked by it/'s
 * pom into {@code target/jetty-home}) and a {@code $JETTY_BASE} that {@link #prepare} makes the way the README says:
 * h3servlet's distribution zip unpacked into it, {@code --add-modules=h3servlet,https,ee11-deploy}, the sample WAR
 * ({@code test-app/}) deployed as {@code webapps/sample.war} (context {@code /sample}), and a key store in
 * {@code etc/keystore.p12} configured in {@code start.d/test.ini} with the TLS connector on 127.0.0.1, port 0.
 * <p>
 * The prepared base holds everything it needs ({@code lib/} has the jars start.jar fetched, every path in its ini
 * files is relative to {@code jetty.base}), so it can be copied, with {@code jetty-home} beside it, into a container
 * image and started there with {@code java -jar $JETTY_HOME/start.jar} from the base directory. Here, {@link #start}
 * runs it as a child process and {@link #run} runs start.jar to its end (for {@code --list-config}, or a start that
 * must fail). Every wait is bounded.
 */
public final class JettyBase {

	/** The modules {@link #prepare} adds: h3servlet, HTTP/1.1 over TLS beside HTTP/2, and WAR deployment (ee11). */
	public static final String MODULES = "h3servlet,https,ee11-deploy";

	/** The context path the sample WAR is deployed at. */
	public static final String CONTEXT_PATH = "/sample";

	/** The line Jetty logs once the server has started. */
	private static final Pattern STARTED = Pattern.compile("Started oejs\\.Server@");

	/** The line h3servlet's connector logs once it listens, with its UDP port. */
	private static final Pattern HTTP3_LISTENING = Pattern
		.compile("HTTP/3 \\(QUIC, [^)]*\\) listening on udp://[^ ]*:(\\d+);");

	private static final Duration ADD_MODULES_TIMEOUT = Duration.ofSeconds(60);

	private final Path home;

	private final Path directory;

	private JettyBase(Path home, Path directory) {
		this.home = home;
		this.directory = directory;
	}

	/** The unpacked jetty-home the build prepared (system property {@code h3servlet.jetty.home}). */
	public static Path jettyHome() {
		return existing("h3servlet.jetty.home");
	}

	/** h3servlet's distribution zip the build made (system property {@code h3servlet.jetty.distribution}). */
	public static Path distribution() {
		return existing("h3servlet.jetty.distribution");
	}

	/** The sample WAR the build made (system property {@code h3servlet.jetty.webapp}). */
	public static Path sampleWar() {
		return existing("h3servlet.jetty.webapp");
	}

	/**
	 * Makes a {@code $JETTY_BASE} in the directory (emptied first) as a user would, see the class description.
	 * @param directory where to make it
	 * @param certificate the key store to copy into the base and configure
	 * @return the prepared base
	 * @throws IOException if a step fails; the message holds start.jar's output
	 */
	public static JettyBase prepare(Path directory, TestCertificate certificate)
			throws IOException, InterruptedException {
		// The transport under test: the netty transport is the h3servlet module's default; the jetty-quiche one is
		// what the h3servlet-quiche module adds.
		String modules = TestTransport.is(Http3Transport.JETTY_QUICHE) ? MODULES + ",h3servlet-quiche" : MODULES;
		JettyBase base = prepare(jettyHome(), directory, certificate, modules);
		Files.copy(sampleWar(), base.directory.resolve("webapps/sample.war"));
		return base;
	}

	/**
	 * Makes a {@code $JETTY_BASE} of another jetty-home, with other modules and no WAR yet (see
	 * {@link #deploy(String, String)}).
	 * @param home the jetty-home
	 * @param directory where to make the base
	 * @param certificate the key store to copy into the base and configure
	 * @param modules what {@code --add-modules} adds, h3servlet among them
	 * @return the prepared base
	 * @throws IOException if a step fails; the message holds start.jar's output
	 */
	public static JettyBase prepare(Path home, Path directory, TestCertificate certificate, String modules)
			throws IOException, InterruptedException {
		JettyBase base = new JettyBase(home, directory.toAbsolutePath());
		deleteRecursively(base.directory);
		Files.createDirectories(base.directory);
		unzip(distribution(), base.directory);
		Result added = base.run(ADD_MODULES_TIMEOUT, "--add-modules=" + modules, "--approve-all-licenses",
				"maven.local.repo=" + existing("h3servlet.jetty.mavenRepository"));
		if (added.exitCode() != 0 || !Files.isRegularFile(base.directory.resolve("start.d/h3servlet.ini"))) {
			throw new IOException("--add-modules=" + modules + " failed with exit code " + added.exitCode()
					+ "; its output:\n" + added.output());
		}
		Files.copy(certificate.keyStore(), base.directory.resolve("etc/keystore.p12"));
		base.writeIni("test.ini", "jetty.sslContext.keyStorePath=etc/keystore.p12",
				"jetty.sslContext.keyStorePassword=" + certificate.password(), "jetty.ssl.host=127.0.0.1",
				"jetty.ssl.port=0");
		return base;
	}

	/**
	 * Deploys the sample WAR under a name, in a Jakarta EE environment chosen as the README tells users:
	 * {@code webapps/<name>.properties} with {@code environment: <ee>}.
	 * @param name the WAR's name in {@code webapps/} (its context path, {@code /<name>})
	 * @param environment {@code ee10} or {@code ee11}, or {@code null} for the deployer's default
	 */
	public void deploy(String name, String environment) throws IOException {
		Files.copy(sampleWar(), this.directory.resolve("webapps/" + name + ".war"));
		if (environment == null) {
			return;
		}
		Files.writeString(this.directory.resolve("webapps/" + name + ".properties"),
				"environment: " + environment + "\n", StandardCharsets.UTF_8);
	}

	/** The Jetty 12.0 jetty-home the build prepared (system property {@code h3servlet.jetty120.home}). */
	public static Path jetty120Home() {
		return existing("h3servlet.jetty120.home");
	}

	public Path home() {
		return this.home;
	}

	/** The {@code $JETTY_BASE} directory. */
	public Path directory() {
		return this.directory;
	}

	/** Writes {@code start.d/<name>} with these lines ({@code key=value} properties or start.jar options). */
	public void writeIni(String name, String... lines) throws IOException {
		Files.writeString(this.directory.resolve("start.d").resolve(name), String.join("\n", lines) + "\n",
				StandardCharsets.UTF_8);
	}

	/** {@code java -jar $JETTY_HOME/start.jar jetty.home=.. jetty.base=..} with these arguments, run in the base. */
	public ProcessBuilder command(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-jar");
		command.add(this.home.resolve("start.jar").toString());
		command.add("jetty.home=" + this.home);
		command.add("jetty.base=" + this.directory);
		command.addAll(List.of(arguments));
		return new ProcessBuilder(command).directory(this.directory.toFile());
	}

	/**
	 * Runs start.jar with these arguments to its end (its stdin closed).
	 * @throws IOException if it does not end in time (it is then killed)
	 */
	public Result run(Duration timeout, String... arguments) throws IOException, InterruptedException {
		Path log = Files.createTempFile("h3servlet-start-jar-", ".log");
		try {
			Process process = command(arguments).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
				.start();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				throw new IOException("start.jar " + List.of(arguments) + " did not end within " + timeout
						+ "; its output:\n" + Files.readString(log));
			}
			return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
		}
		finally {
			Files.deleteIfExists(log);
		}
	}

	/**
	 * Starts Jetty from this base as a child process and waits until it has started.
	 * @param properties more start.jar arguments, e.g. {@code jetty.quic.pemWorkDir=/some/dir}
	 * @return the running Jetty; close it to stop it
	 * @throws Exception if it does not start in time or exits first (the message holds its output)
	 */
	public Running start(String... properties) throws Exception {
		return new Running(ChildProcess.start("standalone Jetty", command(properties), STARTED));
	}

	/**
	 * start.jar run to its end.
	 * @param exitCode its exit code
	 * @param output what it printed (stdout and stderr)
	 */
	public record Result(int exitCode, String output) {
	}

	/** A Jetty started from the base. */
	public static final class Running implements AutoCloseable {

		private final ChildProcess child;

		private final int port;

		private Running(ChildProcess child) {
			this.child = child;
			this.port = child.output()
				.stream()
				.map(HTTP3_LISTENING::matcher)
				.filter(Matcher::find)
				.map((matcher) -> Integer.parseInt(matcher.group(1)))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException(
						"Jetty started without logging an HTTP/3 listener; its output:\n" + child.joinedOutput()));
		}

		/** The port it serves on: TLS over TCP and QUIC over UDP, the same number. */
		public int port() {
			return this.port;
		}

		/** What it printed so far. */
		public List<String> output() {
			return this.child.output();
		}

		/**
		 * What it printed, once a line matches (Jetty's dump after start, say, which follows the line that says it
		 * started), or once the timeout has passed.
		 * @param line the line to wait for
		 * @param timeout how long to wait at most
		 * @return its output so far
		 * @throws InterruptedException if interrupted while waiting
		 */
		public List<String> outputOnce(Predicate<String> line, Duration timeout) throws InterruptedException {
			return this.child.awaitOutput((lines) -> lines.stream().anyMatch(line), timeout);
		}

		/** Stops it like {@code kill} (SIGTERM: Jetty stops the server); kills it if it does not exit in time. */
		@Override
		public void close() throws Exception {
			this.child.stop(false);
		}

	}

	private static Path existing(String systemProperty) {
		String value = Objects.requireNonNull(System.getProperty(systemProperty),
				() -> "System property " + systemProperty + " is not set: run the test with Maven (it/pom.xml sets it)");
		Path path = Path.of(value).toAbsolutePath();
		if (!Files.exists(path)) {
			throw new IllegalStateException(systemProperty + "=" + path + " does not exist: build it first with "
					+ "mvn -pl it -am verify");
		}
		return path;
	}

	private static void unzip(Path zip, Path target) throws IOException {
		try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
			for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
				Path path = target.resolve(entry.getName()).normalize();
				if (!path.startsWith(target)) {
					throw new IOException("Entry " + entry.getName() + " of " + zip + " points outside " + target);
				}
				if (entry.isDirectory()) {
					Files.createDirectories(path);
				}
				else {
					Files.createDirectories(path.getParent());
					Files.copy(in, path, StandardCopyOption.REPLACE_EXISTING);
				}
			}
		}
	}

	static void deleteRecursively(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.delete(path);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
	}

}
