package dev.h3servlet.it.webtransport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.h3servlet.it.support.JettyBase;
import dev.h3servlet.servlet.WebTransportEndpoints;
import dev.h3servlet.test.TestCertificate;
import dev.h3servlet.test.WebTransportClient;
import dev.h3servlet.testapp.DeterministicBytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebTransport in a WAR on a standalone Jetty 12.1: a {@code $JETTY_BASE} with the h3servlet module and
 * {@code jetty.h3servlet.webTransport.enabled=true}, and a web app ({@code webapps/wt/}: two classes, a
 * {@code web.xml} listener, and the servlet bridge; the connector's API from the module) registering its endpoint with
 * {@link WebTransportEndpoints}. The endpoint's class comes from the web app's class loader; a 1 MB echo, a datagram
 * and the close go through it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StandaloneJettyWebTransportTests {

	private static final Path WORK = Path.of("target", "standalone-jetty-webtransport").toAbsolutePath();

	private static TestCertificate certificate;

	private static JettyBase.Running jetty;

	@BeforeAll
	static void startJetty() throws Exception {
		Files.createDirectories(WORK);
		certificate = TestCertificate.create(WORK);
		JettyBase base = JettyBase.prepare(JettyBase.jettyHome(), WORK.resolve("base"), certificate,
				JettyBase.MODULES);
		Path webapp = base.directory().resolve("webapps/wt");
		Files.createDirectories(webapp.resolve("WEB-INF"));
		Files.writeString(webapp.resolve("WEB-INF/web.xml"), """
				<?xml version="1.0" encoding="UTF-8"?>
				<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
				  <listener><listener-class>%s</listener-class></listener>
				</web-app>
				""".formatted(WarWebTransportApp.class.getName()), StandardCharsets.UTF_8);
		for (Class<?> type : new Class<?>[] { WarWebTransportApp.class, WarEchoEndpoint.class }) {
			String resource = type.getName().replace('.', '/') + ".class";
			Path target = webapp.resolve("WEB-INF/classes").resolve(resource);
			Files.createDirectories(target.getParent());
			try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
				Files.copy(in, target);
			}
		}
		// The servlet bridge goes in the WAR: Jetty 12 loads the servlet API per environment (ee11 here), so the
		// module's copy on the server's class path cannot link WebTransportEndpoints. The connector's API does not:
		// its classes must be the server's, which the web app's class loader finds above it.
		Path bridge = Path.of(WebTransportEndpoints.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		if (Files.isDirectory(bridge)) {
			copyTree(bridge, webapp.resolve("WEB-INF/classes"));
		}
		else {
			Files.createDirectories(webapp.resolve("WEB-INF/lib"));
			Files.copy(bridge, webapp.resolve("WEB-INF/lib/h3servlet-servlet-bridge.jar"));
		}
		jetty = base.start("jetty.h3servlet.webTransport.enabled=true");
	}

	private static void copyTree(Path from, Path to) throws IOException {
		try (Stream<Path> paths = Files.walk(from)) {
			for (Path path : (Iterable<Path>) paths::iterator) {
				Path target = to.resolve(from.relativize(path).toString());
				if (Files.isDirectory(path)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(path, target);
				}
			}
		}
	}

	private static WebTransportClient open(String path) throws IOException {
		try {
			return WebTransportClient.open(new InetSocketAddress("127.0.0.1", jetty.port()), certificate.certificate(),
					path, Duration.ofSeconds(30));
		}
		catch (IOException ex) {
			throw new IOException(ex.getMessage() + "; Jetty's output:\n" + String.join("\n", jetty.output()), ex);
		}
	}

	@AfterAll
	static void stopJetty() throws Exception {
		if (jetty != null) {
			jetty.close();
		}
	}

	@Test
	void theWarsEndpointEchoesStreamsAndDatagrams() throws IOException, InterruptedException {
		try (WebTransportClient client = open("/wt/echo")) {
			assertThat(new String(client.exchange("where?".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
				.as("the session's path and the endpoint's class loader")
				.isEqualTo("/wt/echo WebAppClassLoader");
			byte[] large = DeterministicBytes.stream(1024 * 1024).readAllBytes();
			assertThat(DeterministicBytes.sha256Hex(client.exchange(large)))
				.isEqualTo(DeterministicBytes.sha256Hex(large));
			client.sendDatagram("datagram".getBytes(StandardCharsets.UTF_8));
			byte[] datagram = client.receiveDatagram(Duration.ofSeconds(5));
			assertThat(datagram).isNotNull();
			assertThat(new String(datagram, StandardCharsets.UTF_8)).isEqualTo("datagram");
			client.closeSession(3, "done");
		}
	}

}
