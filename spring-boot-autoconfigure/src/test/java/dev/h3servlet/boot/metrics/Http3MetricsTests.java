package dev.h3servlet.boot.metrics;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

import dev.h3servlet.boot.autoconfigure.SlowController;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.test.JettyClients;
import dev.h3servlet.test.TestCertificate;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The {@code jetty.http3.*} meters, read from a {@link SimpleMeterRegistry} while HTTP/3 clients talk to the
 * application.
 */
@Tag(TestTransport.BOTH)
class Http3MetricsTests {

	private static final long TIMEOUT_SECONDS = 15;

	@TempDir
	static Path certificates;

	private static TestCertificate certificate;

	@BeforeAll
	static void createCertificate() throws Exception {
		certificate = TestCertificate.create(certificates);
	}

	@Test
	void metersFollowConnectionsStreamsAndBytes() throws Exception {
		SlowController.entered = new CountDownLatch(1);
		SlowController.release = new CountDownLatch(1);
		try (ConfigurableApplicationContext context = start()) {
			int port = ((ServletWebServerApplicationContext) context).getWebServer().getPort();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			String[] tags = { "connector.name", "h3", "port", Integer.toString(port) };
			Gauge open = registry.get("jetty.http3.connections.open").tags(tags).gauge();
			Gauge streams = registry.get("jetty.http3.streams.active").tags(tags).gauge();
			FunctionCounter failures = registry.get("jetty.http3.handshake.failures").tags(tags).functionCounter();
			FunctionCounter received = registry.get("jetty.http3.bytes.received").tags(tags).functionCounter();
			FunctionCounter sent = registry.get("jetty.http3.bytes.sent").tags(tags).functionCounter();
			assertThat(open.value()).isZero();
			assertThat(streams.value()).isZero();
			assertThat(failures.count()).isZero();
			assertThat(registry.get("jetty.http3.webtransport.sessions").tags(tags).gauge().value()).isZero();
			assertThat(registry.get("jetty.http3.webtransport.datagrams.dropped").tags(tags).functionCounter().count())
				.isZero();
			report("before any request", registry);

			HttpClient http3 = JettyClients.http3();
			try {
				ContentResponse first = get(http3, port, "/fast");
				assertThat(first.getVersion()).isEqualTo(HttpVersion.HTTP_3);
				assertThat(first.getStatus()).isEqualTo(200);
				assertThat(open.value()).isEqualTo(1);
				double receivedAfterFirst = received.count();
				double sentAfterFirst = sent.count();
				assertThat(receivedAfterFirst).isPositive();
				assertThat(sentAfterFirst).isGreaterThan(first.getContent().length);
				report("after one request", registry);

				CompletableFuture<ContentResponse> slow = new CompletableResponseListener(
						http3.newRequest("https://localhost:" + port + "/slow")
							.timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS))
					.send();
				assertThat(SlowController.entered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
				assertThat(streams.value()).isEqualTo(1);
				assertThat(open.value()).isEqualTo(1);
				report("while a request is in flight", registry);
				SlowController.release.countDown();
				assertThat(slow.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
				awaitValue("active streams", streams::value, 0);

				assertThat(get(http3, port, "/fast").getStatus()).isEqualTo(200);
				assertThat(received.count()).isGreaterThan(receivedAfterFirst);
				assertThat(sent.count()).isGreaterThan(sentAfterFirst);
			}
			finally {
				http3.stop();
			}
			awaitValue("open connections", open::value, 0);
			report("after the client stopped", registry);
			assertThat(failures.count()).isZero();

		}
		finally {
			SlowController.release.countDown();
		}
	}

	@Test
	void handshakeRejectedByTheServerCountsAsHandshakeFailure() throws Exception {
		try (ConfigurableApplicationContext context = start("server.ssl.client-auth=need",
				"server.ssl.trust-store=file:" + certificate.keyStore(),
				"server.ssl.trust-store-password=" + certificate.password(), "server.ssl.trust-store-type=PKCS12")) {
			int port = ((ServletWebServerApplicationContext) context).getWebServer().getPort();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			String[] tags = { "connector.name", "h3", "port", Integer.toString(port) };
			FunctionCounter failures = registry.get("jetty.http3.handshake.failures").tags(tags).functionCounter();
			Gauge open = registry.get("jetty.http3.connections.open").tags(tags).gauge();
			// The client presents no certificate: Jetty refuses the QUIC connection once its handshake is done, before
			// opening it (missing_peer_certificates).
			HttpClient http3 = JettyClients.http3();
			try {
				assertThatException().isThrownBy(() -> get(http3, port, "/fast"));
			}
			finally {
				http3.stop();
			}
			awaitValue("handshake failures", failures::count, 1);
			assertThat(open.value()).isZero();
			report("after a handshake the server rejected", registry);
		}
	}

	private static void report(String when, MeterRegistry registry) {
		StringBuilder report = new StringBuilder("jetty.http3 meters " + when + ":");
		registry.getMeters()
			.stream()
			.filter((meter) -> meter.getId().getName().startsWith("jetty.http3."))
			.forEach((meter) -> report.append(' ')
				.append(meter.getId().getName())
				.append('=')
				.append(meter.measure().iterator().next().getValue()));
		System.out.println(report);
	}

	private static void awaitValue(String what, DoubleSupplier value, double expected) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
		while (value.getAsDouble() != expected && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(value.getAsDouble()).as(what).isEqualTo(expected);
	}

	private static ContentResponse get(HttpClient client, int port, String path) throws Exception {
		return new CompletableResponseListener(
				client.newRequest("https://localhost:" + port + path).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS))
			.send()
			.get(TIMEOUT_SECONDS + 5, TimeUnit.SECONDS);
	}

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "server.http3.enabled=true",
					"server.ssl.key-store=file:" + certificate.keyStore(),
					"server.ssl.key-store-password=" + certificate.password(), "server.ssl.key-store-type=PKCS12")
			.properties(properties)
			.run();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(SlowController.class)
	static class TestApplication {

		@Bean
		SimpleMeterRegistry simpleMeterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).build();
		}

	}

}
