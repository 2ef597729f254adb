package dev.h3servlet.jetty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.h3servlet.connector.Http3Setting;
import dev.h3servlet.connector.Http3Settings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The module's properties, as start.jar hands them to {@code etc/h3servlet.xml} (text), become {@link Http3Settings};
 * a bad value is refused with a message that names its key. The module's files ({@code h3servlet.mod},
 * {@code h3servlet.xml}) agree with {@link H3servletModule#KEYS} and with the settings' defaults. The module running in
 * a real Jetty is tested in it/ ({@code StandaloneJettyTests}).
 */
class H3servletModuleTests {

	private static final Path MODULE = Path.of("src/main/jetty/modules/h3servlet.mod");

	private static final Path XML = Path.of("src/main/jetty/etc/h3servlet.xml");

	@Test
	void unsetPropertiesKeepTheDefaults() {
		H3servletModule module = new H3servletModule();
		H3servletModule.KEYS.forEach((key) -> module.property(key.name(), null));
		assertThat(module.settings()).hasToString(Http3Settings.defaults().toString());
	}

	@Test
	void propertiesBecomeSettings() {
		H3servletModule module = new H3servletModule();
		module.property("jetty.h3servlet.transport", "jetty-quiche");
		module.property("jetty.quic.host", " 127.0.0.1 ");
		module.property("jetty.quic.port", "8443");
		module.property("jetty.quic.idleTimeout", "45000");
		module.property("jetty.quic.bidirectionalMaxStreams", "100");
		module.property("jetty.quic.sessionMaxData", "1048576");
		module.property("jetty.quic.remoteBidirectionalStreamMaxData", "262144");
		module.property("jetty.http3.streamIdleTimeout", "20000");
		module.property("jetty.http3.maxRequestHeadersSize", "16384");
		module.property("jetty.quic.pemWorkDir", "/var/lib/jetty/pem");
		module.property("jetty.h3servlet.udpReceiveBufferSize", "1048576");
		module.property("jetty.h3servlet.udpSendBufferSize", "2097152");
		module.property("jetty.h3servlet.eventLoops", "2");
		module.property("jetty.h3servlet.altSvc.enabled", "false");
		module.property("jetty.h3servlet.altSvc.maxAge", "3600");
		module.property("jetty.h3servlet.altSvc.port", "443");
		Http3Settings settings = module.settings();
		assertThat(settings.transport().id()).isEqualTo("jetty-quiche");
		assertThat(settings.host()).isEqualTo("127.0.0.1");
		assertThat(settings.port()).isEqualTo(8443);
		assertThat(settings.idleTimeout()).isEqualTo(Duration.ofSeconds(45));
		assertThat(settings.maxConcurrentStreams()).isEqualTo(100);
		assertThat(settings.sessionReceiveWindow()).isEqualTo(1048576);
		assertThat(settings.streamReceiveWindow()).isEqualTo(262144);
		assertThat(settings.streamIdleTimeout()).isEqualTo(Duration.ofSeconds(20));
		assertThat(settings.maxRequestHeaderSize()).isEqualTo(16384);
		assertThat(settings.pemWorkDir()).isEqualTo(Path.of("/var/lib/jetty/pem"));
		assertThat(settings.udpReceiveBufferSize()).isEqualTo(1048576);
		assertThat(settings.udpSendBufferSize()).isEqualTo(2097152);
		assertThat(settings.eventLoops()).isEqualTo(2);
		assertThat(settings.altSvcEnabled()).isFalse();
		assertThat(settings.altSvcMaxAge()).isEqualTo(Duration.ofHours(1));
		assertThat(settings.altSvcPort()).isEqualTo(443);
	}

	@Test
	void everySettingHasOneKey() {
		List<Object> settings = H3servletModule.KEYS.stream().map(H3servletModule.Key::setting).collect(Collectors.toList());
		assertThat(settings).containsExactlyInAnyOrderElementsOf(Http3Setting.all());
	}

	@Test
	void emptyHostPemWorkDirAndTransportMeanTheDefault() {
		H3servletModule module = new H3servletModule();
		module.property("jetty.quic.host", "");
		module.property("jetty.quic.pemWorkDir", " ");
		module.property("jetty.h3servlet.transport", "");
		assertThat(module.settings()).hasToString(Http3Settings.defaults().toString());
	}

	@Test
	void badValuesAreRefusedNamingTheirKey() {
		assertRefused("jetty.quic.idleTimeout", "-5", "a number of milliseconds > 0");
		assertRefused("jetty.quic.idleTimeout", "30s", "a number of milliseconds > 0");
		assertRefused("jetty.quic.port", "70000", "a number 0 to 65535");
		assertRefused("jetty.quic.bidirectionalMaxStreams", "0", "a number > 0");
		assertRefused("jetty.quic.sessionMaxData", "24MB", "a number of bytes > 0");
		assertRefused("jetty.quic.remoteBidirectionalStreamMaxData", "", "a number of bytes > 0");
		assertRefused("jetty.http3.streamIdleTimeout", "0", "a number of milliseconds > 0");
		assertRefused("jetty.http3.maxRequestHeadersSize", "3000000000", "a number of bytes > 0");
		assertRefused("jetty.h3servlet.udpReceiveBufferSize", "-1", "a number of bytes > 0");
		assertRefused("jetty.h3servlet.udpSendBufferSize", "x", "a number of bytes > 0");
		assertRefused("jetty.h3servlet.eventLoops", "0", "a number 1 to 256");
		assertRefused("jetty.h3servlet.altSvc.enabled", "yes", "true or false");
		assertRefused("jetty.h3servlet.altSvc.maxAge", "-1", "a number of seconds >= 0");
		assertRefused("jetty.h3servlet.altSvc.port", "0", "a number 1 to 65535");
		assertRefused("jetty.quic.pemWorkDir", "bad\0path", "a directory");
		assertRefused("jetty.h3servlet.transport", "quic", "netty or jetty-quiche");
		assertThatIllegalArgumentException().isThrownBy(() -> new H3servletModule().property("jetty.quic.prot", "1"))
			.withMessageStartingWith("Unknown h3servlet module setting jetty.quic.prot (expected one of [");
	}

	@Test
	void aRefusedValueLeavesTheSettingAsItWas() {
		H3servletModule module = new H3servletModule();
		module.property("jetty.quic.port", "8443");
		assertThatIllegalArgumentException().isThrownBy(() -> module.property("jetty.quic.port", "-1"));
		assertThat(module.settings().port()).isEqualTo(8443);
	}

	@Test
	void theXmlPassesEveryKeyAndNoOther() throws IOException {
		Matcher calls = Pattern
			.compile("<Call name=\"property\"><Arg>([\\w.]+)</Arg><Arg><Property name=\"([\\w.]+)\" /></Arg></Call>")
			.matcher(Files.readString(XML));
		List<String> keys = new ArrayList<>();
		while (calls.find()) {
			assertThat(calls.group(2)).isEqualTo(calls.group(1));
			keys.add(calls.group(1));
		}
		assertThat(keys).containsExactlyElementsOf(keyNames());
	}

	@Test
	void theModulesIniDefaultsAreTheSettingsDefaults() throws IOException {
		Map<String, String> ini = section("ini", "^([\\w.]+)\\?=(.*)$");
		assertThat(ini).isNotEmpty();
		H3servletModule module = new H3servletModule();
		ini.forEach(module::property);
		assertThat(module.settings()).hasToString(Http3Settings.defaults().toString());
		// Every key with a default of h3servlet's own is there, so that --list-config shows it.
		H3servletModule.KEYS.stream()
			.filter((key) -> key.setting().defaultValue() != null)
			.forEach((key) -> assertThat(ini).containsKey(key.name()));
	}

	@Test
	void theIniTemplateShowsEveryKeyAtItsDefault() throws IOException {
		Map<String, String> template = section("ini-template", "^# ([\\w.]+)=(.*)$");
		assertThat(template.keySet()).containsExactlyInAnyOrderElementsOf(keyNames());
		for (H3servletModule.Key<?> key : H3servletModule.KEYS) {
			if (key.setting().defaultValue() != null) {
				H3servletModule module = new H3servletModule();
				module.property(key.name(), template.get(key.name()));
				assertThat(module.settings().get(key.setting())).as(key.name())
					.isEqualTo(key.setting().defaultValue());
			}
		}
	}

	private static List<String> keyNames() {
		return H3servletModule.KEYS.stream().map(H3servletModule.Key::name).collect(Collectors.toList());
	}

	/** The {@code key=value} lines of one section of h3servlet.mod. */
	private static Map<String, String> section(String name, String line) throws IOException {
		Pattern pattern = Pattern.compile(line);
		Map<String, String> values = new LinkedHashMap<>();
		boolean inside = false;
		for (String each : Files.readAllLines(MODULE)) {
			if (each.startsWith("[")) {
				inside = each.equals("[" + name + "]");
				continue;
			}
			Matcher matcher = pattern.matcher(each);
			if (inside && matcher.matches()) {
				values.put(matcher.group(1), matcher.group(2));
			}
		}
		return values;
	}

	private static void assertRefused(String key, String value, String expected) {
		assertThatIllegalArgumentException().as("%s=%s", key, value)
			.isThrownBy(() -> new H3servletModule().property(key, value))
			.withMessage("Invalid h3servlet module setting " + key + "=" + value + ": " + key + " must be "
					+ expected);
	}

}
