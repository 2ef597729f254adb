package dev.h3servlet.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.h3servlet.connector.Http3Setting;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3StartupException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link Http3Properties} and their mapping to {@link Http3Settings}, with a {@link Binder} and no context.
 */
class Http3PropertiesTests {

	@Test
	void defaultsLeaveEverythingToTheTlsConnectorAndJetty() {
		Http3Properties properties = bind(Map.of());
		assertThat(properties.isEnabled()).isFalse();
		Http3Settings settings = Http3SettingsMapper.map(properties);
		assertThat(settings.port()).isNull();
		assertThat(settings.host()).isNull();
		assertThat(settings.idleTimeout()).isNull();
		assertThat(settings.maxConcurrentStreams()).isNull();
		assertThat(settings.sessionReceiveWindow()).isNull();
		assertThat(settings.streamReceiveWindow()).isNull();
		assertThat(settings.maxRequestHeaderSize()).isNull();
		assertThat(settings.streamIdleTimeout()).isNull();
		assertThat(settings.pemWorkDir()).isNull();
		assertThat(settings).hasToString(Http3Settings.defaults().toString());
	}

	@Test
	void everyPropertyReachesTheSettings() {
		Map<String, String> values = Map.ofEntries(Map.entry("server.http3.enabled", "true"),
				Map.entry("server.http3.port", "8444"), Map.entry("server.http3.host", "127.0.0.1"),
				Map.entry("server.http3.idle-timeout", "45s"), Map.entry("server.http3.max-concurrent-streams", "64"),
				Map.entry("server.http3.session-receive-window", "8MB"),
				Map.entry("server.http3.stream-receive-window", "1MB"),
				Map.entry("server.http3.max-request-header-size", "16KB"),
				Map.entry("server.http3.stream-idle-timeout", "2m"),
				Map.entry("server.http3.pem-work-dir", "/tmp/h3-pem"),
				Map.entry("server.http3.udp-receive-buffer-size", "2MB"),
				Map.entry("server.http3.udp-send-buffer-size", "1MB"), Map.entry("server.http3.event-loops", "2"),
				Map.entry("server.http3.alt-svc.enabled", "false"), Map.entry("server.http3.alt-svc.max-age", "1h"),
				Map.entry("server.http3.alt-svc.port", "443"));
		Http3Properties properties = bind(values);
		assertThat(properties.isEnabled()).isTrue();
		Http3Settings settings = Http3SettingsMapper.map(properties);
		assertThat(settings.port()).isEqualTo(8444);
		assertThat(settings.host()).isEqualTo("127.0.0.1");
		assertThat(settings.idleTimeout()).isEqualTo(Duration.ofSeconds(45));
		assertThat(settings.maxConcurrentStreams()).isEqualTo(64L);
		assertThat(settings.sessionReceiveWindow()).isEqualTo(8L * 1024 * 1024);
		assertThat(settings.streamReceiveWindow()).isEqualTo(1024L * 1024);
		assertThat(settings.maxRequestHeaderSize()).isEqualTo(16 * 1024);
		assertThat(settings.streamIdleTimeout()).isEqualTo(Duration.ofMinutes(2));
		assertThat(settings.pemWorkDir()).isEqualTo(Path.of("/tmp/h3-pem"));
		assertThat(settings.udpReceiveBufferSize()).isEqualTo(2 * 1024 * 1024);
		assertThat(settings.udpSendBufferSize()).isEqualTo(1024 * 1024);
		assertThat(settings.eventLoops()).isEqualTo(2);
		assertThat(settings.altSvcEnabled()).isFalse();
		assertThat(settings.altSvcMaxAge()).isEqualTo(Duration.ofHours(1));
		assertThat(settings.altSvcPort()).isEqualTo(443);
	}

	@Test
	void portZeroMeansAnyFreePort() {
		assertThat(Http3SettingsMapper.map(bind(Map.of("server.http3.port", "0"))).port()).isZero();
	}

	@Test
	void badValuesFailNamingTheProperty() {
		assertRejected("server.http3.port", "70000");
		assertRejected("server.http3.port", "-1");
		assertRejected("server.http3.host", " ");
		assertRejected("server.http3.idle-timeout", "0s");
		assertRejected("server.http3.idle-timeout", "-5s");
		assertRejected("server.http3.max-concurrent-streams", "0");
		assertRejected("server.http3.session-receive-window", "0B");
		assertRejected("server.http3.stream-receive-window", "-1KB");
		assertRejected("server.http3.max-request-header-size", "0B");
		assertRejected("server.http3.max-request-header-size", "3GB");
		assertRejected("server.http3.transport", "quic");
		assertRejected("server.http3.stream-idle-timeout", "0ms");
		assertRejected("server.http3.udp-receive-buffer-size", "0B");
		assertRejected("server.http3.udp-send-buffer-size", "4GB");
		assertRejected("server.http3.event-loops", "0");
		assertRejected("server.http3.event-loops", "257");
		assertRejected("server.http3.alt-svc.max-age", "-1s");
		assertRejected("server.http3.alt-svc.port", "0");
		assertRejected("server.http3.alt-svc.port", "65536");
	}

	@Test
	void failureKeepsTheValueAndWhatIsExpected() {
		assertRefusedWith("server.http3.idle-timeout", "0s", "server.http3.idle-timeout: PT0S (expected: > 0)",
				"Change server.http3.idle-timeout (allowed: > 0), or remove it to keep the default");
		assertRefusedWith("server.http3.session-receive-window", "0MB",
				"server.http3.session-receive-window: 0B (expected: > 0)",
				"Change server.http3.session-receive-window (allowed: > 0), or remove it to keep the default");
		assertRefusedWith("server.http3.transport", "quic",
				"server.http3.transport: quic (expected: netty or jetty-quiche)",
				"Change server.http3.transport (allowed: netty or jetty-quiche), or remove it to keep the default");
		assertRefusedWith("server.http3.udp-send-buffer-size", "4GB",
				"server.http3.udp-send-buffer-size: 4294967296B (expected: at most 2147483647B)",
				"Change server.http3.udp-send-buffer-size (allowed: at most 2147483647B), or remove it to keep the "
						+ "default");
	}

	@Test
	void theFormerMaxHeaderSizeNameStillBinds() {
		Http3Properties properties = bind(Map.of("server.http3.max-header-size", "4KB"));
		assertThat(Http3SettingsMapper.map(properties).maxRequestHeaderSize()).isEqualTo(4096);
	}

	@Test
	void everySettingHasThePropertyOfItsNameWithItsDefaultInTheMetadata() throws IOException {
		Map<String, Map<String, Object>> metadata = metadataProperties();
		for (Http3Setting<?> setting : Http3Setting.all()) {
			String name = Http3SettingsMapper.propertyName(setting);
			assertThat(metadata).as(name).containsKey(name);
			Object metadataDefault = metadata.get(name).get("defaultValue");
			if (setting.defaultValue() == null) {
				assertThat(metadataDefault).as(name).isNull();
				continue;
			}
			assertThat(metadataDefault).as("the default of %s in the IDE metadata", name).isNotNull();
			Http3Settings bound = Http3SettingsMapper.map(bind(Map.of(name, String.valueOf(metadataDefault))));
			assertThat(bound.get(setting)).as("%s=%s", name, metadataDefault).isEqualTo(setting.defaultValue());
		}
		assertThat(metadata.keySet()).allSatisfy((name) -> assertThat(name).satisfiesAnyOf(
				(property) -> assertThat(property).isIn("server.http3.enabled", "server.http3.max-header-size"),
				(property) -> assertThat(Http3Setting.all()).extracting(Http3SettingsMapper::propertyName)
					.contains(property)));
		assertThat(metadata.get("server.http3.max-header-size")).extractingByKey("deprecation")
			.asString()
			.contains("server.http3.max-request-header-size");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> metadataProperties() throws IOException {
		try (InputStream in = Http3Properties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("spring-configuration-metadata.json (the configuration processor's output)").isNotNull();
			Map<String, Object> metadata = JsonParserFactory.getJsonParser()
				.parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
			Map<String, Map<String, Object>> properties = new TreeMap<>();
			for (Map<String, Object> property : (List<Map<String, Object>>) metadata.get("properties")) {
				properties.put((String) property.get("name"), property);
			}
			return properties;
		}
	}

	private static void assertRejected(String name, String value) {
		Http3Properties properties = bind(Map.of(name, value));
		assertThatExceptionOfType(Http3StartupException.class).as("%s=%s", name, value)
			.isThrownBy(() -> Http3SettingsMapper.map(properties))
			.withMessageStartingWith(name + ": ");
	}

	private static void assertRefusedWith(String name, String value, String problem, String action) {
		Http3Properties properties = bind(Map.of(name, value));
		assertThatExceptionOfType(Http3StartupException.class).as("%s=%s", name, value)
			.isThrownBy(() -> Http3SettingsMapper.map(properties))
			.satisfies((ex) -> {
				assertThat(ex.problem()).isEqualTo(problem);
				assertThat(ex.action()).isEqualTo(action);
			});
	}

	private static Http3Properties bind(Map<String, String> values) {
		Binder binder = new Binder(new MapConfigurationPropertySource(values));
		return binder.bindOrCreate("server.http3", Bindable.of(Http3Properties.class));
	}

}
