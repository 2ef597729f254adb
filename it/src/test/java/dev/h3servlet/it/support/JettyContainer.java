package dev.h3servlet.it.support;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * A standalone Jetty in a container: jetty-home and a prepared {@code $JETTY_BASE} ({@link JettyBase}) layered on
 * {@link Docker#BASE_IMAGE}, started with {@code java -jar start.jar} in the host's network namespace, so it listens
 * on the host's loopback like a local process (the base binds 127.0.0.1, port 0: Jetty picks a free port, and the
 * HTTP/3 listener takes the same number over UDP). Started when Jetty has logged that the server started.
 * <p>
 * Two images: {@code h3servlet/jetty-home:VERSION} (the base image plus jetty-home) is kept, and built again only
 * when the base image changed (a label names the base image's id); the image with the {@code $JETTY_BASE}, which
 * differs on every run (fresh key store), is removed with the container ({@link #stop()}). Call
 * {@link Docker#baseImageReady()} first.
 */
public final class JettyContainer extends GenericContainer<JettyContainer> {

	/** The line h3servlet's connector logs once it listens: its transport (and binding), address and UDP port. */
	public static final Pattern HTTP3_LISTENING = Pattern
		.compile("HTTP/3 \\(QUIC, ([^)]*)\\) listening on udp://([^ ;]*):(\\d+);");

	private static final String JETTY_HOME = "/opt/jetty-home";

	private static final String JETTY_BASE = "/var/lib/jetty-base";

	/** The label of the jetty-home image that names the base image it was built on. */
	private static final String BASE_IMAGE_ID_LABEL = "dev.h3servlet.base-image.id";

	private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);

	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private static final Pattern STARTED = Pattern.compile("Started oejs\\.Server@");

	private JettyContainer(String image) {
		super(image);
		withNetworkMode("host");
		waitingFor(new JettyStarted().withStartupTimeout(START_TIMEOUT));
	}

	/**
	 * Builds the images for this base (timings printed) and returns the container, not yet started.
	 * @param base the prepared {@code $JETTY_BASE}; its own jetty-home goes into the image too
	 * @param jettyVersion the version of that jetty-home, for the image's tag
	 */
	public static JettyContainer of(JettyBase base, String jettyVersion) throws Exception {
		String homeImage = homeImage(base, jettyVersion);
		String testImage = build("jetty-home image + $JETTY_BASE", new ImageFromDockerfile()
			.withFileFromPath("jetty-base", base.directory())
			.withDockerfileFromBuilder((dockerfile) -> dockerfile.from(homeImage)
				.copy("jetty-base", JETTY_BASE)
				.workDir(JETTY_BASE)
				.cmd("java", "-jar", JETTY_HOME + "/start.jar", "jetty.home=" + JETTY_HOME, "jetty.base=" + JETTY_BASE)
				.build()));
		return new JettyContainer(testImage);
	}

	/** {@code h3servlet/jetty-home:VERSION}, built unless it exists on the current base image already. */
	private static String homeImage(JettyBase base, String jettyVersion) throws Exception {
		String name = "h3servlet/jetty-home:" + jettyVersion;
		DockerClient docker = DockerClientFactory.lazyClient();
		String baseImageId = docker.inspectImageCmd(Docker.BASE_IMAGE).exec().getId();
		InspectImageResponse previous = inspect(docker, name);
		Map<String, String> labels = (previous != null) ? previous.getConfig().getLabels() : null;
		if (labels != null && baseImageId.equals(labels.get(BASE_IMAGE_ID_LABEL))) {
			System.out.printf("docker: image %s is up to date (%s)%n", name, Docker.BASE_IMAGE);
			return name;
		}
		build("base image + jetty-home", new ImageFromDockerfile(name, false)
			.withFileFromPath("jetty-home", base.home())
			.withDockerfileFromBuilder((dockerfile) -> dockerfile.from(Docker.BASE_IMAGE)
				.copy("jetty-home", JETTY_HOME)
				.label(BASE_IMAGE_ID_LABEL, baseImageId)
				.build()));
		if (previous != null && !previous.getId().equals(inspect(docker, name).getId())) {
			// The image built on an older base image: no tag points to it any more.
			docker.removeImageCmd(previous.getId()).exec();
		}
		return name;
	}

	private static InspectImageResponse inspect(DockerClient docker, String image) {
		try {
			return docker.inspectImageCmd(image).exec();
		}
		catch (NotFoundException ex) {
			return null;
		}
	}

	private static String build(String what, ImageFromDockerfile image) throws Exception {
		long start = System.nanoTime();
		String name = image.get(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		System.out.printf("docker: image %s (%s) built in %d ms%n", name, what,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
		return name;
	}

	/** Stops and removes the container, then removes its image. */
	@Override
	public void stop() {
		super.stop();
		// With Ryuk off, Testcontainers' own clean-up at JVM exit prunes only untagged images: this one is tagged.
		try {
			DockerClientFactory.lazyClient().removeImageCmd(getDockerImageName()).withForce(true).exec();
		}
		catch (NotFoundException ex) {
			// Stopped before: removed then.
		}
	}

	/**
	 * The line h3servlet's connector logged when it started listening.
	 * @throws IllegalStateException if there is none (the message holds the container's log)
	 */
	public Matcher http3Listening() {
		String logs = getLogs();
		Matcher matcher = HTTP3_LISTENING.matcher(logs);
		if (!matcher.find()) {
			throw new IllegalStateException("Jetty started without logging an HTTP/3 listener; its log:\n" + logs);
		}
		return matcher;
	}

	/** The port Jetty serves on: TLS over TCP and QUIC over UDP, the same number. */
	public int port() {
		return Integer.parseInt(http3Listening().group(3));
	}

	/**
	 * Waits until Jetty has logged that the server started; fails at once when the container ends first (Testcontainers'
	 * log-message strategy would wait out its timeout).
	 */
	private static final class JettyStarted extends AbstractWaitStrategy {

		@Override
		protected void waitUntilReady() {
			long deadline = System.nanoTime() + this.startupTimeout.toNanos();
			while (true) {
				String logs = this.waitStrategyTarget.getLogs();
				if (STARTED.matcher(logs).find()) {
					return;
				}
				if (!this.waitStrategyTarget.isRunning()) {
					throw new ContainerLaunchException("Jetty's container ended before the server started; its log:\n"
							+ logs);
				}
				if (System.nanoTime() - deadline > 0) {
					throw new ContainerLaunchException(
							"Jetty did not start within " + this.startupTimeout + "; its log:\n" + logs);
				}
				try {
					Thread.sleep(200);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new ContainerLaunchException("Interrupted while waiting for Jetty to start", ex);
				}
			}
		}

	}

}
