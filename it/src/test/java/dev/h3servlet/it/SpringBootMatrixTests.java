package dev.h3servlet.it;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.h3servlet.it.support.ChromiumAssumptions;
import dev.h3servlet.it.support.ExecutableJar;
import dev.h3servlet.test.Chromium;
import dev.h3servlet.test.NettyHttp3Client;
import dev.h3servlet.test.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The version matrix: one ordinary Spring MVC application ({@code matrix/app}) built with spring-boot-starter-parent
 * at each supported Spring Boot version, the h3servlet starter added and {@code server.http3.enabled=true} set, run
 * as a real process with {@code java -jar}. Each answers over HTTP/3 to Netty's client and to Chromium, with the
 * servlet seeing {@code HTTP/3.0}, on the Jetty and Netty its Boot manages (which the app reports, and this checks).
 * Two builds hold the mistakes a user can make to their message: the Boot 4 starter on Boot 3.5, and Boot 3.5's Netty
 * 4.1 left as it is.
 */
@Timeout(120)
class SpringBootMatrixTests {

	private static final Pattern READY = Pattern.compile("h3servlet matrix app ready: port=(\\d+)");

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static ExecutableJar jar(String build) {
		return ExecutableJar.matrixApp(build);
	}

	private static List<String> tls(TestCertificate certificate) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0"));
		arguments.addAll(certificate.springBootArguments());
		return arguments;
	}

	private static Path javaHome() {
		return Path.of(System.getProperty("java.home"));
	}

	@Nested
	@TestInstance(Lifecycle.PER_CLASS)
	class SpringBoot407 extends MatrixChecks {

		SpringBoot407() {
			super("boot-4.0", "boot=4.0.7 jetty=12.1.10 netty=4.2.15.Final servlet=6.1");
		}

	}

	@Nested
	@TestInstance(Lifecycle.PER_CLASS)
	class SpringBoot412 extends MatrixChecks {

		SpringBoot412() {
			super("boot-4.1", "boot=4.1.2 jetty=12.1.14 netty=4.2.18.Final servlet=6.1");
		}

	}

	@Nested
	@TestInstance(Lifecycle.PER_CLASS)
	class SpringBoot357 extends MatrixChecks {

		SpringBoot357() {
			super("boot-3.5", "boot=3.5.7 jetty=12.0.29 netty=4.2.18.Final servlet=6.0");
		}

	}

	@Test
	void theBoot4StarterOnSpringBoot35FailsTheStartNamingTheBoot3Starter(@TempDir Path directory) throws Exception {
		List<String> output = jar("boot-3.5-boot4-starter").runToExit(javaHome(), directory,
				tls(TestCertificate.create(directory)), Duration.ofSeconds(60));
		// Boot's failure analysis report, from the starter's Http3FailureAnalyzer: what is wrong, then what to do.
		assertThat(String.join("\n", output)).contains("APPLICATION FAILED TO START")
			.containsSubsequence("Description:", "dev.h3servlet:h3servlet-spring-boot-starter is built for "
					+ "Spring Boot 4 and this application runs Spring Boot 3.5.7.", "Action:",
					"Replace it with dev.h3servlet:h3servlet-spring-boot3-starter");
		assertThat(output).noneMatch((line) -> READY.matcher(line).find());
	}

	@Test
	void springBoot35sNetty41FailsTheStartNamingNettyVersion(@TempDir Path directory) throws Exception {
		List<String> output = jar("boot-3.5-netty-4.1").runToExit(javaHome(), directory,
				tls(TestCertificate.create(directory)), Duration.ofSeconds(60));
		assertThat(String.join("\n", output))
			.contains("APPLICATION FAILED TO START")
			.containsSubsequence("Description:",
					"The netty HTTP/3 transport needs Netty 4.2 for every Netty module, but some are older: "
							+ "4.1.128.Final (",
					"Action:", "Set the Maven property netty.version to 4.2.18.Final",
					"(Spring Boot 3.5 manages Netty 4.1)");
		assertThat(output).noneMatch((line) -> READY.matcher(line).find());
	}

	/** What every supported Boot version's build must do; each starts its jar once. */
	abstract static class MatrixChecks {

		private final String build;

		private final String versions;

		private TestCertificate certificate;

		private ExecutableJar.Running app;

		private int port;

		MatrixChecks(String build, String versions) {
			this.build = build;
			this.versions = versions;
		}

		@BeforeAll
		void start(@TempDir Path directory) throws Exception {
			this.certificate = TestCertificate.create(directory);
			this.app = jar(this.build).start(javaHome(), List.of(), directory, tls(this.certificate), READY);
			this.port = Integer.parseInt(this.app.ready().group(1));
		}

		@AfterAll
		void stop() throws Exception {
			if (this.app != null) {
				this.app.close();
			}
		}

		@Test
		void listensOnUdpOnTheNettyTransport() {
			assertThat(this.app.output()).anyMatch((line) -> line
				.contains("HTTP/3 (QUIC, netty transport) listening on udp://0.0.0.0:" + this.port));
		}

		@Test
		void servesNettysClientOverHttp3OnBootsOwnJettyAndNetty() throws Exception {
			try (NettyHttp3Client client = NettyHttp3Client.connect(new InetSocketAddress("127.0.0.1", this.port),
					this.certificate.certificate(), TIMEOUT)) {
				assertThat(client.applicationProtocol()).isEqualTo("h3");
				NettyHttp3Client.Response response = client.send(NettyHttp3Client.Request.get("/versions"));
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.bodyAsString()).isEqualTo("protocol=HTTP/3.0 secure=true " + this.versions);
			}
		}

		@Test
		void chromiumLoadsThePageOverHttp3() throws Exception {
			ChromiumAssumptions.assumeInstalled();
			URI url = URI.create("https://localhost:" + this.port + "/");
			Chromium.Result result = Chromium.forceQuicOn(url)
				.trustSpki(this.certificate.spkiSha256Base64())
				.virtualTimeBudget(Duration.ZERO)
				.dumpDom(url, Path.of("target", "chromium", "matrix-" + this.build));
			assertThat(result.textOf("browser")).as(result.describe()).isEqualTo("h3");
			assertThat(result.textOf("server")).as(result.describe()).isEqualTo("HTTP/3.0");
			assertThat(result.textOf("boot")).as(result.describe()).isEqualTo(this.versions.split(" ")[0].substring(5));
		}

	}

}
