package dev.h3servlet.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.h3servlet.connector.Http3StartupException;
import dev.h3servlet.test.NettyHttp3Client;
import dev.h3servlet.test.TestCertificate;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.util.Jetty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A Spring Boot 3.5 application (Jetty 12.0, ee10, Servlet 6.0; Netty moved to 4.2) with this starter, configured only
 * through properties: served over HTTP/3 to Netty's client with the servlet seeing {@code HTTP/3.0}, advertised over
 * HTTP/2, metered, and with the stream idle timeout working through Jetty 12.0's own idle-timeout call.
 */
@SpringBootTest(classes = Http3SpringBoot3Tests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.http3.enabled=true", "server.http2.enabled=true",
				"server.http3.stream-idle-timeout=500ms" })
class Http3SpringBoot3Tests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static final Path certificates = createDirectory();

	private static final TestCertificate certificate = createCertificate();

	@LocalServerPort
	private int port;

	@Autowired
	private MeterRegistry meterRegistry;

	private NettyHttp3Client netty;

	@DynamicPropertySource
	static void tls(DynamicPropertyRegistry registry) {
		registry.add("server.ssl.key-store", () -> "file:" + certificate.keyStore());
		registry.add("server.ssl.key-store-password", certificate::password);
		registry.add("server.ssl.key-store-type", () -> "PKCS12");
	}

	@AfterEach
	void closeNettyClient() throws IOException {
		if (this.netty != null) {
			this.netty.close();
		}
	}

	@AfterAll
	static void deleteCertificate() throws IOException {
		try (Stream<Path> files = Files.walk(certificates)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

	@Test
	void runsOnSpringBoot3AndJetty120() {
		assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
		assertThat(Jetty.VERSION).startsWith("12.0.");
	}

	@Test
	void controllerIsServedOverHttp3() throws Exception {
		this.netty = connect();
		assertThat(this.netty.applicationProtocol()).isEqualTo("h3");
		NettyHttp3Client.Response response = this.netty.send(NettyHttp3Client.Request.get("/protocol"));
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.bodyAsString()).isEqualTo("HTTP/3.0 https secure");
		assertThat(this.meterRegistry.get("jetty.http3.connections.open").gauge().value()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void http2ResponsesAdvertiseHttp3() throws Exception {
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_2)
			.sslContext(trustingTestCertificate())
			.connectTimeout(TIMEOUT)
			.build();
		HttpResponse<String> response = client.send(
				HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + this.port + "/protocol")).timeout(TIMEOUT).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
		assertThat(response.body()).isEqualTo("HTTP/2.0 https secure");
		assertThat(response.headers().firstValue("alt-svc")).hasValue("h3=\":" + this.port + "\"; ma=86400");
	}

	@Test
	void aRequestWhoseBodyStallsEndsAtTheStreamIdleTimeout() throws Exception {
		this.netty = connect();
		StallingBody body = new StallingBody();
		long start = System.nanoTime();
		CompletableFuture<NettyHttp3Client.Response> response = this.netty
			.sendAsync(NettyHttp3Client.Request.post("/upload", body, 1024));
		// Jetty 12.0 fails the servlet's blocked read once the stream is idle for 500 ms; the stream then ends.
		assertThat(UploadController.failures.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isNotNull();
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(elapsedMillis).isLessThan(body.stallMillis);
		try {
			assertThat(response.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).status()).isGreaterThanOrEqualTo(400);
		}
		catch (java.util.concurrent.ExecutionException ex) {
			// A reset stream is an acceptable end too; a hang is not.
			assertThat(ex.getCause()).isInstanceOf(IOException.class);
		}
		finally {
			body.release();
		}
		// The connection still serves.
		assertThat(this.netty.send(NettyHttp3Client.Request.get("/protocol")).status()).isEqualTo(200);
	}

	@Test
	void reactorNettysClientFromBoot35RunsOnTheNetty42TheTransportNeeds() throws Exception {
		// Boot 3.5 manages Reactor Netty 1.2 (built on Netty 4.1); an application that moves Netty to 4.2 for HTTP/3
		// keeps its WebClient.
		assertThat(io.netty.util.Version.identify().get("netty-common").artifactVersion()).startsWith("4.2.");
		io.netty.handler.ssl.SslContext sslContext = io.netty.handler.ssl.SslContextBuilder.forClient()
			.trustManager(certificate.certificate())
			.build();
		String body = reactor.netty.http.client.HttpClient.create()
			.secure((spec) -> spec.sslContext(sslContext))
			.get()
			.uri("https://127.0.0.1:" + this.port + "/protocol")
			.responseContent()
			.aggregate()
			.asString()
			.block(TIMEOUT);
		assertThat(body).isEqualTo("HTTP/1.1 https secure");
	}

	@Test
	void theGenerationCheckNamesTheOtherStarter() {
		SpringBootGeneration boot3 = new SpringBootGeneration(3, "h3servlet-spring-boot3-starter");
		boot3.check("3.5.7");
		assertThatExceptionOfType(Http3StartupException.class).isThrownBy(() -> boot3.check("4.0.7"))
			.withMessage("server.http3.enabled=true, but dev.h3servlet:h3servlet-spring-boot3-starter is built for "
					+ "Spring Boot 3 and this application runs Spring Boot 4.0.7. Replace it with "
					+ "dev.h3servlet:h3servlet-spring-boot-starter (same version), which serves HTTP/3 on Spring Boot "
					+ "4's embedded Jetty");
	}

	private NettyHttp3Client connect() throws IOException {
		return NettyHttp3Client.connect(new InetSocketAddress("127.0.0.1", this.port), certificate.certificate(),
				TIMEOUT);
	}

	private static SSLContext trustingTestCertificate() throws Exception {
		KeyStore trusted = KeyStore.getInstance("PKCS12");
		trusted.load(null, null);
		trusted.setCertificateEntry("test", certificate.certificate());
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trusted);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trustManagers.getTrustManagers(), null);
		return context;
	}

	private static Path createDirectory() {
		try {
			return Files.createTempDirectory("h3servlet-boot3-test");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static TestCertificate createCertificate() {
		try {
			return TestCertificate.create(certificates);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A request body that sends 100 bytes, then nothing until released or 5 s have passed. */
	private static final class StallingBody extends InputStream {

		final long stallMillis = 5_000;

		private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

		private int sent;

		@Override
		public int read() throws IOException {
			if (this.sent == 100) {
				try {
					this.released.await(this.stallMillis, TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				throw new IOException("stalled body released");
			}
			this.sent++;
			return 'x';
		}

		void release() {
			this.released.countDown();
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ ProtocolController.class, UploadController.class })
	static class TestApplication {

	}

	@RestController
	static class ProtocolController {

		@GetMapping("/protocol")
		String protocol(HttpServletRequest request) {
			return request.getProtocol() + " " + request.getScheme() + " " + (request.isSecure() ? "secure" : "plain");
		}

	}

	@RestController
	static class UploadController {

		static final java.util.concurrent.BlockingQueue<Throwable> failures = new java.util.concurrent.LinkedBlockingQueue<>();

		@PostMapping("/upload")
		String upload(HttpServletRequest request) throws IOException {
			try {
				return "read " + request.getInputStream().readAllBytes().length;
			}
			catch (IOException ex) {
				failures.add(ex);
				throw ex;
			}
		}

	}

}
