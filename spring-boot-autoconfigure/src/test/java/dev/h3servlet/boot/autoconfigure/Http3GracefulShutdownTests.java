package dev.h3servlet.boot.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.test.JettyClients;
import dev.h3servlet.test.RawHttp3Client;
import dev.h3servlet.test.TestCertificate;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http3.api.Session;
import org.eclipse.jetty.http3.frames.GoAwayFrame;
import org.eclipse.jetty.server.Connector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code server.shutdown=graceful} over HTTP/3: the server sends GOAWAY, a request in flight when the application
 * context starts to close completes with a 200 over HTTP/3, and requests sent after the shutdown began are refused (a
 * new stream on the connection that received GOAWAY, and a new QUIC connection). The in-flight request uses Jetty's
 * frame-level client, which reads the response as it arrives: Jetty's {@code HttpClient} reads it lazily and, in about
 * one run in four, loses a body that fully arrived when the connection ends right after it
 * ({@code invalid_frame_sequence} or an empty body).
 */
@Tag(TestTransport.BOTH)
class Http3GracefulShutdownTests {

	private static final long TIMEOUT_SECONDS = 15;

	@TempDir
	static Path certificates;

	private static TestCertificate certificate;

	private HttpClient http3;

	@BeforeAll
	static void createCertificate() throws Exception {
		certificate = TestCertificate.create(certificates);
	}

	@BeforeEach
	void startClient() throws Exception {
		SlowController.entered = new CountDownLatch(1);
		SlowController.release = new CountDownLatch(1);
		this.http3 = JettyClients.http3();
	}

	@AfterEach
	void stopClient() throws Exception {
		SlowController.release.countDown();
		this.http3.stop();
	}

	@Test
	void inFlightRequestCompletesAndNewRequestsAreRefused() throws Exception {
		ConfigurableApplicationContext context = start();
		Thread closer = null;
		try (RawHttp3Client raw = RawHttp3Client.start()) {
			int port = ((ServletWebServerApplicationContext) context).getWebServer().getPort();
			Http3Connector connector = http3Connector(context);
			CompletableFuture<GoAwayFrame> goAway = new CompletableFuture<>();
			Session.Client session = raw.connect(port, new Session.Client.Listener() {
				@Override
				public void onGoAway(Session session, GoAwayFrame frame) {
					goAway.complete(frame);
				}
			});
			URI base = URI.create("https://localhost:" + port);
			RawHttp3Client.Exchange warmUp = RawHttp3Client.request(session, "GET", base.resolve("/fast"), true);
			assertThat(warmUp.head.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
			assertThat(warmUp.body.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("fast");

			RawHttp3Client.Exchange inFlight = RawHttp3Client.request(session, "GET", base.resolve("/slow"), true);
			assertThat(SlowController.entered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();

			closer = new Thread(context::close, "context-closer");
			closer.start();
			awaitShutdownStarted(connector);

			// The server sends a graceful GOAWAY on the open connection.
			GoAwayFrame frame = goAway.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			assertThat(frame.isGraceful()).isTrue();
			System.out.println("GOAWAY received: " + frame);
			// No new stream is opened on that connection.
			assertThatException().isThrownBy(() -> RawHttp3Client.request(session, "GET", base.resolve("/fast"), true)
				.head.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
				.satisfies((ex) -> System.out.println("New stream refused: " + ex));
			// A new QUIC connection is refused.
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> get(this.http3, port, "/fast"))
				.satisfies((ex) -> System.out.println("New connection refused: " + ex.getCause()));
			assertThat(inFlight.head).isNotDone();

			SlowController.release.countDown();
			MetaData.Response response = inFlight.head.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			assertThat(response.getStatus()).isEqualTo(200);
			assertThat(response.getHttpVersion()).isEqualTo(HttpVersion.HTTP_3);
			assertThat(inFlight.body.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("slow over HTTP/3.0");

			closer.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
			assertThat(closer.isAlive()).isFalse();
			assertThat(context.isActive()).isFalse();
		}
		finally {
			SlowController.release.countDown();
			if (closer == null) {
				context.close();
			}
		}
	}

	/**
	 * Waits for Boot's graceful shutdown to reach the HTTP/3 connector (every QUIC session was sent GOAWAY).
	 */
	private static void awaitShutdownStarted(Http3Connector connector) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
		while (!connector.isShuttingDown()) {
			assertThat(System.nanoTime()).as("graceful shutdown of %s started", connector).isLessThan(deadline);
			Thread.sleep(10);
		}
	}

	private static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(TestApplication.class).properties("server.port=0",
				"server.http3.enabled=true", "server.shutdown=graceful",
				"spring.lifecycle.timeout-per-shutdown-phase=20s",
				"server.ssl.key-store=file:" + certificate.keyStore(),
				"server.ssl.key-store-password=" + certificate.password(), "server.ssl.key-store-type=PKCS12")
			.run();
	}

	private static Http3Connector http3Connector(ConfigurableApplicationContext context) {
		JettyWebServer webServer = (JettyWebServer) ((ServletWebServerApplicationContext) context).getWebServer();
		for (Connector connector : webServer.getServer().getConnectors()) {
			if (connector instanceof Http3Connector http3Connector) {
				return http3Connector;
			}
		}
		throw new IllegalStateException("No HTTP/3 connector");
	}

	private static org.eclipse.jetty.client.Request request(HttpClient client, int port, String path) {
		return client.newRequest("https://localhost:" + port + path).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
	}

	private static ContentResponse get(HttpClient client, int port, String path) throws Exception {
		return new CompletableResponseListener(request(client, port, path)).send()
			.get(TIMEOUT_SECONDS + 5, TimeUnit.SECONDS);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(SlowController.class)
	static class TestApplication {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).build();
		}

	}

}
