package dev.h3servlet.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The Docker side of the container tests: whether a Docker daemon answers here, and the base image every test image
 * is built {@code FROM}. Registries are not used: the base image is made from Debian's packages by
 * {@code it/docker/build-base-image.sh} (debootstrap + {@code docker import}), once per machine; the script skips the
 * build when the image already exists with the script's hash as its label.
 * <p>
 * Testcontainers needs two settings for such a daemon, both in this module's build: Ryuk (its reaper, an image from
 * a registry) is switched off with {@code TESTCONTAINERS_RYUK_DISABLED=true} (surefire's environment, as
 * Testcontainers reads it only from the environment), and the helper container it starts for a few features (none
 * used today) runs {@link #BASE_IMAGE} instead of {@code alpine:3.17} ({@code tinyimage.container.image} in
 * {@code testcontainers.properties}). So make sure the base image exists before Testcontainers' client is first used:
 * call {@link #baseImageReady()} first.
 */
public final class Docker {

	/** The base image: Debian bookworm (minbase) with Debian's OpenJDK 17 runtime. */
	public static final String BASE_IMAGE = "h3servlet/debian-jre:bookworm-17";

	/** Why a test was skipped when Docker or the base image cannot be had. */
	public static final String NOT_AVAILABLE = "install docker.io and debootstrap and start dockerd as root "
			+ "(as .ci/run does) to run the container tests";

	private static final Path BUILD_SCRIPT = Path.of("docker", "build-base-image.sh");

	/** The script's exit code when this machine cannot build the image (no debootstrap, not root). */
	private static final int CANNOT_BUILD_HERE = 3;

	private static final Duration INFO_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);

	private static String unavailable;

	private static boolean ready;

	private Docker() {
	}

	/**
	 * Whether a Docker daemon answers and {@link #BASE_IMAGE} exists, building it on first use; {@code false} when
	 * this machine has no daemon or cannot build the image. The answer is kept for the JVM's life.
	 * @throws IllegalStateException if the base image build fails for another reason, or if the answer is
	 * {@code false} under {@code CI=true} (.ci/run provides Docker: a skip there would let the container tests
	 * silently vanish)
	 */
	public static synchronized boolean baseImageReady() throws IOException, InterruptedException {
		if (!ready && unavailable == null) {
			unavailable = daemonUnavailable();
			if (unavailable == null) {
				unavailable = buildBaseImage();
				ready = (unavailable == null);
			}
		}
		if (unavailable != null && "true".equals(System.getenv("CI"))) {
			throw new IllegalStateException("CI=true but " + unavailable + ": " + NOT_AVAILABLE);
		}
		return ready;
	}

	/**
	 * Skips the calling test (JUnit assumption), saying why and how to enable it, unless {@link #baseImageReady()}.
	 * Call it in {@code @BeforeEach}: a skip in {@code @BeforeAll} leaves no trace in surefire's report.
	 */
	public static void assumeBaseImage() throws IOException, InterruptedException {
		Assumptions.assumeTrue(baseImageReady(), () -> unavailable + ": " + NOT_AVAILABLE);
	}

	/** Why no daemon can be used, or {@code null} when {@code docker info} answers. */
	private static String daemonUnavailable() throws IOException, InterruptedException {
		Result info;
		try {
			info = run(List.of("docker", "info", "--format", "{{.ServerVersion}}"), INFO_TIMEOUT,
					Path.of("target", "docker", "docker-info.log"));
		}
		catch (IOException ex) {
			return "the docker command is missing (" + ex.getMessage() + ")";
		}
		return (info.exitCode() == 0) ? null : "no Docker daemon answers (docker info: " + info.output().trim() + ")";
	}

	/** Runs the build script; why it could not build here, or {@code null} when the image is ready. */
	private static String buildBaseImage() throws IOException, InterruptedException {
		Path log = Path.of("target", "docker", "build-base-image.log");
		long start = System.nanoTime();
		Result build = run(List.of("bash", BUILD_SCRIPT.toString(), BASE_IMAGE), BUILD_TIMEOUT, log);
		System.out.printf("docker: base image %s ready in %d ms (log: %s)%n", BASE_IMAGE,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), log.toAbsolutePath());
		if (build.exitCode() == CANNOT_BUILD_HERE) {
			return "the base image " + BASE_IMAGE + " cannot be built here (" + build.output().trim() + ")";
		}
		if (build.exitCode() != 0) {
			throw new IllegalStateException(BUILD_SCRIPT + " failed with exit code " + build.exitCode() + "; see "
					+ log.toAbsolutePath());
		}
		return null;
	}

	private static Result run(List<String> command, Duration timeout, Path log)
			throws IOException, InterruptedException {
		Files.createDirectories(log.getParent());
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
			.start();
		if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
					+ "; see " + log.toAbsolutePath());
		}
		return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
	}

	private record Result(int exitCode, String output) {

	}

}
