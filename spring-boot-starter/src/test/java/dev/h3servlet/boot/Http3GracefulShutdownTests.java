package dev.h3servlet.boot;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.testing.JettyClients;
import dev.h3servlet.connector.testing.TestCertificate;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code server.shutdown=graceful} over HTTP/3: a request in flight when the application context starts to close
 * completes with a 200 over HTTP/3, and a request sent after the shutdown began is refused.
 */
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
		try {
			int port = ((ServletWebServerApplicationContext) context).getWebServer().getPort();
			Http3Connector connector = http3Connector(context);
			ContentResponse warmUp = get(this.http3, port, "/fast");
			assertThat(warmUp.getVersion()).isEqualTo(HttpVersion.HTTP_3);
			assertThat(warmUp.getStatus()).isEqualTo(200);

			CompletableFuture<ContentResponse> inFlight = new CompletableResponseListener(
					request(this.http3, port, "/slow")).send();
			assertThat(SlowController.entered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();

			closer = new Thread(context::close, "context-closer");
			closer.start();
			awaitShutdownStarted(connector);

			// A new QUIC connection is refused.
			HttpClient other = JettyClients.http3();
			try {
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> get(other, port, "/fast"))
					.satisfies((ex) -> System.out.println("New connection refused: " + ex.getCause()));
			}
			finally {
				other.stop();
			}
			// The connection that carries the slow request received GOAWAY: a new request is not sent on it but on
			// a new connection, which is refused as well.
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> get(this.http3, port, "/fast"))
				.satisfies((ex) -> System.out.println("New request refused: " + ex.getCause()));
			assertThat(inFlight).isNotDone();

			SlowController.release.countDown();
			ContentResponse response = inFlight.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			assertThat(response.getStatus()).isEqualTo(200);
			assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
			assertThat(response.getContentAsString()).isEqualTo("slow over HTTP/3.0");

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

	@RestController
	static class SlowController {

		static volatile CountDownLatch entered;

		static volatile CountDownLatch release;

		@GetMapping("/slow")
		String slow(jakarta.servlet.http.HttpServletRequest request) throws InterruptedException {
			entered.countDown();
			if (!release.await(TIMEOUT_SECONDS * 2, TimeUnit.SECONDS)) {
				throw new IllegalStateException("not released");
			}
			return "slow over " + request.getProtocol();
		}

		@GetMapping("/fast")
		String fast() {
			return "fast";
		}

	}

}
