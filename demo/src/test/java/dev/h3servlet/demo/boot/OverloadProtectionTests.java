package dev.h3servlet.demo.boot;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
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
		assertThat(defaults).isEqualTo(new OverloadProperties(true, 64, 256, Duration.ofSeconds(1)));
		Properties shipped = new Properties();
		try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
			shipped.load(in);
		}
		Map<String, String> overload = new HashMap<>();
		shipped.stringPropertyNames()
			.stream()
			.filter((name) -> name.startsWith("h3servlet.demo.overload."))
			.forEach((name) -> overload.put(name, shipped.getProperty(name)));
		assertThat(overload).hasSize(4);
		assertThat(bind(overload)).isEqualTo(defaults);
	}

	@Test
	void bindsDurationsAndCounts() {
		assertThat(bind(Map.of("h3servlet.demo.overload.max-requests", "8", "h3servlet.demo.overload.max-queued", "0",
				"h3servlet.demo.overload.max-queue-time", "250ms", "h3servlet.demo.overload.enabled", "false")))
			.isEqualTo(new OverloadProperties(false, 8, 0, Duration.ofMillis(250)));
	}

	@Test
	void badValuesFailNamingTheProperty() {
		assertBindFailure("max-requests", "0", "h3servlet.demo.overload.max-requests must be at least 1, not 0");
		assertBindFailure("max-queued", "-1", "h3servlet.demo.overload.max-queued must be 0 or more, not -1");
		assertBindFailure("max-queue-time", "0s",
				"h3servlet.demo.overload.max-queue-time must be longer than 0, not PT0S");
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
		OverloadProtection.customizer(new OverloadProperties(true, 5, 7, Duration.ofMillis(900))).customize(server);
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
