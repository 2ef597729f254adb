package dev.h3servlet.servlet.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.Http3ServletServer;
import dev.h3servlet.test.TestCertificate;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one server per test class with {@link Http3ServletServer}: a fresh self-signed certificate, port 0 (the
 * same free number over TCP and UDP), HTTP/3 on the {@linkplain TestTransport transport under test}, and the servlets
 * the test class configures (a configurer that sets its own HTTP/3 settings starts them from
 * {@link TestTransport#settings()}).
 * <pre>{@code
 * @RegisterExtension
 * static final Http3ServerExtension server = new Http3ServerExtension(builder -> builder.servlet("/*", new Echo()));
 * }</pre>
 */
public final class Http3ServerExtension implements BeforeAllCallback, AfterAllCallback {

	private final Consumer<Http3ServletServer.Builder> configurer;

	private Path directory;

	private TestCertificate certificate;

	private Server server;

	public Http3ServerExtension(Consumer<Http3ServletServer.Builder> configurer) {
		this.configurer = configurer;
	}

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		this.directory = Files.createTempDirectory("h3servlet-test-");
		this.certificate = TestCertificate.create(this.directory);
		Http3ServletServer.Builder builder = Http3ServletServer.builder()
			.keyStore(this.certificate.keyStore(), this.certificate.password())
			.host("127.0.0.1")
			.port(0)
			.http3(TestTransport.settings().build());
		this.configurer.accept(builder);
		this.server = builder.start();
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		try {
			if (this.server != null) {
				this.server.stop();
			}
		}
		finally {
			deleteRecursively(this.directory);
		}
	}

	public Server server() {
		return this.server;
	}

	public TestCertificate certificate() {
		return this.certificate;
	}

	/** The TCP port (TLS: HTTP/1.1 and HTTP/2). */
	public int tlsPort() {
		return Http3ServletServer.tlsConnector(this.server).getLocalPort();
	}

	/** The UDP port (QUIC: HTTP/3). */
	public int http3Port() {
		return Http3ServletServer.http3Connector(this.server).getLocalPort();
	}

	/** {@code https://127.0.0.1:<port><path>}: the same URI for all three protocols. */
	public URI uri(String path) {
		return URI.create("https://127.0.0.1:" + tlsPort() + path);
	}

	private static void deleteRecursively(Path directory) throws java.io.IOException {
		if (directory == null || !Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

}
