package dev.h3servlet.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.h3servlet.it.support.SampleServerProcess;
import dev.h3servlet.test.JettyClients;
import dev.h3servlet.test.TestCertificate;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * HTTP/3 served by an app on Java 22+ through quiche's foreign-function (FFM) binding, reached from this JVM
 * (Java 17, JNA binding).
 * <p>
 * The Java 22+ JDK is found through the {@value #JAVA_HOME_PROPERTY} system property, the
 * {@value #JAVA_HOME_ENVIRONMENT} environment variable, or else at {@value #DEFAULT_JAVA_HOME}; the test is skipped
 * without one.
 */
class Java25ForeignBindingTests {

	static final String JAVA_HOME_PROPERTY = "h3servlet.java22plus.home";

	static final String JAVA_HOME_ENVIRONMENT = "H3SERVLET_JAVA22PLUS_HOME";

	static final String DEFAULT_JAVA_HOME = "/usr/lib/jvm/temurin-25-jdk-amd64";

	@TempDir
	Path directory;

	private SampleServerProcess child;

	private HttpClient h3;

	@AfterEach
	void stop() throws Exception {
		try {
			if (this.h3 != null) {
				this.h3.stop();
			}
		}
		finally {
			if (this.child != null) {
				this.child.close();
			}
		}
	}

	@Test
	void servesHttp3ThroughTheForeignBinding() throws Exception {
		Path javaHome = javaHome();
		int feature = featureVersion(javaHome);
		assumeTrue(feature >= 22, () -> "install a JDK 22+ (e.g. Temurin 25) at " + javaHome + " (or point "
				+ JAVA_HOME_PROPERTY + " / " + JAVA_HOME_ENVIRONMENT + " at one) to test the foreign quiche binding");
		TestCertificate certificate = TestCertificate.create(this.directory);
		this.child = SampleServerProcess.start(javaHome, List.of("--enable-native-access=ALL-UNNAMED"), certificate);
		int port = this.child.port();

		this.h3 = JettyClients.http3();
		ContentResponse response = this.h3.newRequest(URI.create("https://127.0.0.1:" + port + "/protocol"))
			.timeout(30, TimeUnit.SECONDS)
			.send();

		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getContentAsString()).isEqualTo("HTTP/3.0");
		assertThat(this.child.output()).as("child JVM output").anyMatch((line) -> line.contains("jvm " + feature))
			.anyMatch((line) -> line.contains("HTTP/3 (QUIC, jetty-quiche transport, quiche foreign binding) listening on udp://127.0.0.1:"
					+ port))
			.noneMatch((line) -> line.contains("WARNING: A restricted method"));
	}

	static Path javaHome() {
		String configured = System.getProperty(JAVA_HOME_PROPERTY);
		if (configured == null || configured.isBlank()) {
			configured = System.getenv(JAVA_HOME_ENVIRONMENT);
		}
		return Path.of((configured == null || configured.isBlank()) ? DEFAULT_JAVA_HOME : configured);
	}

	/** The JDK's feature version from its {@code release} file; 0 when there is no JDK there. */
	static int featureVersion(Path javaHome) throws IOException {
		Path release = javaHome.resolve("release");
		if (!Files.isExecutable(javaHome.resolve("bin").resolve("java")) || !Files.isRegularFile(release)) {
			return 0;
		}
		Properties properties = new Properties();
		try (BufferedReader reader = Files.newBufferedReader(release, StandardCharsets.UTF_8)) {
			properties.load(reader);
		}
		String version = properties.getProperty("JAVA_VERSION", "\"0\"").replace("\"", "");
		Matcher feature = Pattern.compile("^(?:1\\.)?(\\d+)").matcher(version);
		return feature.find() ? Integer.parseInt(feature.group(1)) : 0;
	}

}
