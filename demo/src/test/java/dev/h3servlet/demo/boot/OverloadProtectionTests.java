package dev.h3servlet.demo.boot;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link OverloadProperties} and {@link OverloadProtection}: the demo's settings bind with Boot's binder,
 * bad values fail naming the property, and the customizer puts a configured {@link QoSHandler} in front of the app's
 * handler.
 */
class OverloadProtectionTests {

	@Test
	void defaultsAreTheValuesTheDemoShipsWith() throws IOException {
		OverloadProperties defaults = bind(Map.of());
		assertThat(defaults)
			.isEqualTo(new OverloadProperties(true, 64, 256, Duration.ofSeconds(1), List.of("/api/health")));
		Properties shipped = new Properties();
		try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
			shipped.load(in);
		}
		Map<String, String> overload = new HashMap<>();
		shipped.stringPropertyNames()
			.stream()
			.filter((name) -> name.startsWith("h3servlet.demo.overload."))
			.forEach((name) -> overload.put(name, shipped.getProperty(name)));
		assertThat(overload).hasSize(5);
		assertThat(bind(overload)).isEqualTo(defaults);
	}

	@Test
	void bindsDurationsAndCounts() {
		assertThat(bind(Map.of("h3servlet.demo.overload.max-requests", "8", "h3servlet.demo.overload.max-queued", "0",
				"h3servlet.demo.overload.max-queue-time", "250ms", "h3servlet.demo.overload.enabled", "false",
				"h3servlet.demo.overload.exempt-paths", "/ping,/actuator/*")))
			.isEqualTo(new OverloadProperties(false, 8, 0, Duration.ofMillis(250), List.of("/ping", "/actuator/*")));
	}

	@Test
	void badValuesFailNamingTheProperty() {
		assertBindFailure("max-requests", "0", "h3servlet.demo.overload.max-requests must be at least 1, not 0");
		assertBindFailure("max-queued", "-1", "h3servlet.demo.overload.max-queued must be 0 or more, not -1");
		assertBindFailure("max-queue-time", "0s",
				"h3servlet.demo.overload.max-queue-time must be longer than 0, not PT0S");
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("h3servlet.demo.overload.exempt-paths", "api/health")))
			.havingRootCause()
			.withMessageStartingWith("h3servlet.demo.overload.exempt-paths: 'api/health' is not a path spec");
	}

	@Test
	void customizerPutsTheQoSHandlerInFrontOfTheAppsHandler() {
		Server server = new Server();
		Handler app = new Handler.Abstract() {

			@Override
			public boolean handle(Request request, Response response, Callback callback) {
				return false;
			}

		};
		server.setHandler(app);
		OverloadProtection.customizer(new OverloadProperties(true, 5, 7, Duration.ofMillis(900), List.of()))
			.customize(server);
		assertThat(server.getHandler()).isInstanceOf(QoSHandler.class);
		QoSHandler qos = (QoSHandler) server.getHandler();
		assertThat(qos.getHandler()).isSameAs(app);
		assertThat(qos.getMaxRequestCount()).isEqualTo(5);
		assertThat(qos.getMaxSuspendedRequestCount()).isEqualTo(7);
		assertThat(qos.getMaxSuspend()).isEqualTo(Duration.ofMillis(900));
	}

	@Test
	void configurationRegistersTheCustomizerWithItsProperties() {
		new ApplicationContextRunner().withUserConfiguration(OverloadProtection.class)
			.withPropertyValues("h3servlet.demo.overload.max-requests=3")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(WebServerFactoryCustomizer.class);
				assertThat(context.getBean(OverloadProperties.class).maxRequests()).isEqualTo(3);
			});
	}

	@Test
	void overTheLimitA503AndTheExemptHealthCheckStillAnswered() throws Exception {
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Server server = new Server();
		ServerConnector connector = new ServerConnector(server);
		connector.setHost("127.0.0.1");
		server.addConnector(connector);
		server.setHandler(new Handler.Abstract() {

			@Override
			public boolean handle(Request request, Response response, Callback callback) throws Exception {
				if (Request.getPathInContext(request).equals("/hold")) {
					holding.countDown();
					release.await(30, TimeUnit.SECONDS);
				}
				Content.Sink.write(response, true, "ok", callback);
				return true;
			}

		});
		OverloadProtection.customizer(new OverloadProperties(true, 1, 0, Duration.ofSeconds(1),
				List.of("/api/health"))).customize(server);
		HttpClient client = HttpClient.newHttpClient();
		server.start();
		try {
			URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
			CompletableFuture<HttpResponse<String>> held = client.sendAsync(
					HttpRequest.newBuilder(base.resolve("/hold")).build(), BodyHandlers.ofString());
			assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
			assertThat(client.send(HttpRequest.newBuilder(base.resolve("/api/info")).build(), BodyHandlers.ofString())
				.statusCode()).as("over the limit, no room to wait").isEqualTo(503);
			assertThat(client.send(HttpRequest.newBuilder(base.resolve("/api/health")).build(),
					BodyHandlers.ofString()).statusCode()).as("exempt").isEqualTo(200);
			release.countDown();
			assertThat(held.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		finally {
			release.countDown();
			server.stop();
		}
	}

	private static void assertBindFailure(String property, String value, String message) {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("h3servlet.demo.overload." + property, value)))
			.havingRootCause()
			.withMessage(message);
	}

	private static OverloadProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("h3servlet.demo.overload",
				OverloadProperties.class);
	}

}
