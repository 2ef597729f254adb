package dev.h3servlet.connector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Http3Settings}.
 */
class Http3SettingsTests {

	@Test
	void defaultsLeaveEverythingToTheServer() {
		Http3Settings settings = Http3Settings.defaults();
		assertThat(settings.port()).isNull();
		assertThat(settings.host()).isNull();
		assertThat(settings.idleTimeout()).isNull();
		assertThat(settings.maxConcurrentStreams()).isNull();
		assertThat(settings.sessionReceiveWindow()).isNull();
		assertThat(settings.streamReceiveWindow()).isNull();
		assertThat(settings.maxRequestHeaderSize()).isNull();
		assertThat(settings.streamIdleTimeout()).isNull();
		assertThat(settings.udpReceiveBufferSize()).isEqualTo(4 * 1024 * 1024)
			.isEqualTo(Http3Setting.UDP_RECEIVE_BUFFER_SIZE.defaultValue());
		assertThat(settings.udpSendBufferSize()).isEqualTo(Http3Setting.UDP_SEND_BUFFER_SIZE.defaultValue());
		assertThat(settings.eventLoops()).isNull();
		assertThat(settings.pemWorkDir()).isNull();
		assertThat(settings.altSvcEnabled()).isTrue();
		assertThat(settings.altSvcMaxAge()).isEqualTo(Duration.ofHours(24))
			.isEqualTo(Http3Setting.ALT_SVC_MAX_AGE.defaultValue());
		assertThat(settings.transport()).isEqualTo(Http3Transport.NETTY);
	}

	@Test
	void builderWithNothingSetEqualsDefaults() {
		assertThat(Http3Settings.builder().build()).hasToString(Http3Settings.defaults().toString());
	}

	@Test
	void builderKeepsEveryValue() {
		Http3Settings settings = everythingSet();
		assertThat(settings.port()).isEqualTo(8444);
		assertThat(settings.host()).isEqualTo("127.0.0.1");
		assertThat(settings.idleTimeout()).isEqualTo(Duration.ofSeconds(45));
		assertThat(settings.maxConcurrentStreams()).isEqualTo(64L);
		assertThat(settings.sessionReceiveWindow()).isEqualTo(8L * 1024 * 1024);
		assertThat(settings.streamReceiveWindow()).isEqualTo(1024L * 1024);
		assertThat(settings.maxRequestHeaderSize()).isEqualTo(16 * 1024);
		assertThat(settings.streamIdleTimeout()).isEqualTo(Duration.ofSeconds(20));
		assertThat(settings.udpReceiveBufferSize()).isEqualTo(2 * 1024 * 1024);
		assertThat(settings.udpSendBufferSize()).isEqualTo(1024 * 1024);
		assertThat(settings.eventLoops()).isEqualTo(3);
		assertThat(settings.pemWorkDir()).isEqualTo(Path.of("/var/lib/h3servlet/pem"));
		assertThat(settings.altSvcEnabled()).isFalse();
		assertThat(settings.altSvcMaxAge()).isEqualTo(Duration.ofMinutes(5));
		assertThat(settings.webTransportEnabled()).isTrue();
		assertThat(settings.webTransportMaxSessions()).isEqualTo(4);
		assertThat(settings.webTransportMaxStreamsPerSession()).isEqualTo(32);
		assertThat(settings.webTransportDatagramQueue()).isEqualTo(1024);
	}

	@Test
	void millisecondSettersShareTheDurationPath() {
		Http3Settings settings = Http3Settings.builder().idleTimeoutMillis(1500).streamIdleTimeoutMillis(250).build();
		assertThat(settings.idleTimeout()).isEqualTo(Duration.ofMillis(1500));
		assertThat(settings.streamIdleTimeout()).isEqualTo(Duration.ofMillis(250));
		assertInvalid((builder) -> builder.idleTimeoutMillis(0), "idleTimeout");
		assertInvalid((builder) -> builder.streamIdleTimeoutMillis(-1), "streamIdleTimeout");
	}

	@Test
	void portBoundsAreChecked() {
		assertThat(Http3Settings.builder().port(0).build().port()).isZero();
		assertThat(Http3Settings.builder().port(65535).build().port()).isEqualTo(65535);
		assertInvalid((builder) -> builder.port(-1), "port");
		assertInvalid((builder) -> builder.port(65536), "port");
	}

	@Test
	void blankHostIsRejected() {
		assertInvalid((builder) -> builder.host(""), "host");
		assertInvalid((builder) -> builder.host("  "), "host");
	}

	@Test
	void timeoutsMustBePositive() {
		assertInvalid((builder) -> builder.idleTimeout(Duration.ZERO), "idleTimeout");
		assertInvalid((builder) -> builder.idleTimeout(Duration.ofSeconds(-1)), "idleTimeout");
		assertInvalid((builder) -> builder.streamIdleTimeout(Duration.ZERO), "streamIdleTimeout");
		assertInvalid((builder) -> builder.streamIdleTimeout(Duration.ofMillis(-5)), "streamIdleTimeout");
	}

	@Test
	void sizesAndCountsMustBePositive() {
		assertInvalid((builder) -> builder.maxConcurrentStreams(0L), "maxConcurrentStreams");
		assertInvalid((builder) -> builder.maxConcurrentStreams(-1L), "maxConcurrentStreams");
		assertInvalid((builder) -> builder.sessionReceiveWindow(0L), "sessionReceiveWindow");
		assertInvalid((builder) -> builder.streamReceiveWindow(-1L), "streamReceiveWindow");
		assertInvalid((builder) -> builder.maxRequestHeaderSize(0), "maxRequestHeaderSize");
		assertInvalid((builder) -> builder.maxRequestHeaderSize(-1024), "maxRequestHeaderSize");
		assertInvalid((builder) -> builder.udpReceiveBufferSize(0), "udpReceiveBufferSize");
		assertInvalid((builder) -> builder.udpSendBufferSize(-1), "udpSendBufferSize");
		assertInvalid((builder) -> builder.eventLoops(0), "eventLoops");
		assertInvalid((builder) -> builder.eventLoops(Http3Setting.MAX_EVENT_LOOPS + 1), "eventLoops");
		assertThat(Http3Settings.builder().eventLoops(Http3Setting.MAX_EVENT_LOOPS).build().eventLoops())
			.isEqualTo(Http3Setting.MAX_EVENT_LOOPS);
	}

	@Test
	void negativeAltSvcMaxAgeIsRejected() {
		assertInvalid((builder) -> builder.altSvcMaxAge(Duration.ofSeconds(-1)), "altSvcMaxAge");
		assertThat(Http3Settings.builder().altSvcMaxAge(Duration.ZERO).build().altSvcMaxAge()).isZero();
	}

	@Test
	void webTransportLimitsBelowOneAreRejected() {
		assertInvalid((builder) -> builder.webTransportMaxSessions(0), "webTransportMaxSessions");
		assertInvalid((builder) -> builder.webTransportMaxStreamsPerSession(-1), "webTransportMaxStreamsPerSession");
		assertInvalid((builder) -> builder.webTransportDatagramQueue(0), "webTransportDatagramQueue");
		assertInvalid((builder) -> builder.webTransportDatagramQueue(65537), "webTransportDatagramQueue");
		assertThat(Http3Settings.defaults().webTransportDatagramQueue()).isEqualTo(256);
	}

	@Test
	void altSvcPortOutsideTheUdpRangeIsRejected() {
		assertInvalid((builder) -> builder.altSvcPort(0), "altSvcPort");
		assertInvalid((builder) -> builder.altSvcPort(65536), "altSvcPort");
		assertThat(Http3Settings.defaults().altSvcPort()).isNull();
		assertThat(Http3Settings.builder().altSvcPort(443).build().altSvcPort()).isEqualTo(443);
	}

	@Test
	void rejectedValueLeavesTheBuilderUnchanged() {
		Http3Settings.Builder builder = Http3Settings.builder().port(8444);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.port(70000));
		assertThat(builder.build().port()).isEqualTo(8444);
	}

	@Test
	void nullResetsEverySettingToItsDefault() {
		Http3Settings reset = everythingSet().toBuilder()
			.port(null)
			.host(null)
			.idleTimeout(null)
			.maxConcurrentStreams(null)
			.sessionReceiveWindow(null)
			.streamReceiveWindow(null)
			.maxRequestHeaderSize(null)
			.streamIdleTimeout(null)
			.udpReceiveBufferSize(null)
			.udpSendBufferSize(null)
			.eventLoops(null)
			.pemWorkDir(null)
			.altSvcEnabled(null)
			.altSvcMaxAge(null)
			.altSvcPort(null)
			.webTransportEnabled(null)
			.webTransportMaxSessions(null)
			.webTransportMaxStreamsPerSession(null)
			.webTransportDatagramQueue(null)
			.build();
		assertThat(reset).hasToString(Http3Settings.defaults().toString());
	}

	@Test
	void toBuilderRoundTripsEveryValue() {
		Http3Settings settings = everythingSet();
		Http3Settings copy = settings.toBuilder().build();
		assertThat(copy).isNotSameAs(settings).hasToString(settings.toString());
		assertThat(copy).usingRecursiveComparison().isEqualTo(settings);
	}

	@Test
	void toBuilderDoesNotChangeTheOriginal() {
		Http3Settings settings = everythingSet();
		Http3Settings changed = settings.toBuilder().port(9443).altSvcEnabled(true).build();
		assertThat(changed.port()).isEqualTo(9443);
		assertThat(changed.altSvcEnabled()).isTrue();
		assertThat(changed.maxConcurrentStreams()).isEqualTo(64L);
		assertThat(settings.port()).isEqualTo(8444);
		assertThat(settings.altSvcEnabled()).isFalse();
	}

	@Test
	void toStringNamesEverySetting() {
		assertThat(everythingSet().toString()).contains("port=8444", "host=127.0.0.1", "idleTimeout=PT45S",
				"maxConcurrentStreams=64", "sessionReceiveWindow=8388608", "streamReceiveWindow=1048576",
				"maxRequestHeaderSize=16384", "streamIdleTimeout=PT20S", "udpReceiveBufferSize=2097152",
				"udpSendBufferSize=1048576", "eventLoops=3", "pemWorkDir=/var/lib/h3servlet/pem",
				"altSvcEnabled=false", "altSvcMaxAge=PT5M", "altSvcPort=443");
	}

	private static Http3Settings everythingSet() {
		return Http3Settings.builder()
			.port(8444)
			.host("127.0.0.1")
			.idleTimeout(Duration.ofSeconds(45))
			.maxConcurrentStreams(64L)
			.sessionReceiveWindow(8L * 1024 * 1024)
			.streamReceiveWindow(1024L * 1024)
			.maxRequestHeaderSize(16 * 1024)
			.streamIdleTimeout(Duration.ofSeconds(20))
			.udpReceiveBufferSize(2 * 1024 * 1024)
			.udpSendBufferSize(1024 * 1024)
			.eventLoops(3)
			.pemWorkDir(Path.of("/var/lib/h3servlet/pem"))
			.altSvcEnabled(false)
			.altSvcMaxAge(Duration.ofMinutes(5))
			.altSvcPort(443)
			.webTransportEnabled(true)
			.webTransportMaxSessions(4)
			.webTransportMaxStreamsPerSession(32)
			.webTransportDatagramQueue(1024)
			.build();
	}

	@Test
	void aRejectedValueCarriesItsSettingAndWhatItAccepts() {
		assertThatExceptionOfType(InvalidHttp3SettingException.class)
			.isThrownBy(() -> Http3Settings.builder().eventLoops(0))
			.withMessage("eventLoops: 0 (expected: 1 to 256, or null for the default)")
			.satisfies((ex) -> {
				assertThat(ex.setting()).isSameAs(Http3Setting.EVENT_LOOPS);
				assertThat(ex.value()).isEqualTo(0);
				assertThat(ex.expected()).isEqualTo("1 to 256");
			});
		assertThatExceptionOfType(InvalidHttp3SettingException.class)
			.isThrownBy(() -> Http3Settings.builder().transport("quic"))
			.withMessage("transport: 'quic' (expected: netty or jetty-quiche, or null for the default)")
			.satisfies((ex) -> assertThat(ex.setting()).isSameAs(Http3Setting.TRANSPORT));
	}

	@Test
	void everySettingHasAGetterAndABuilderMethodOfItsName() throws Exception {
		Http3Settings settings = Http3Settings.defaults();
		for (Http3Setting<?> setting : Http3Setting.all()) {
			assertThat(Http3Settings.class.getMethod(setting.name()).invoke(settings)).as(setting.name())
				.isEqualTo(setting.defaultValue())
				.isEqualTo(settings.get(setting));
			assertThat(Http3Settings.Builder.class.getMethod(setting.name(), setting.type())).as(setting.name())
				.isNotNull();
		}
		assertThat(Http3Setting.all()).extracting(Http3Setting::name).doesNotHaveDuplicates();
		assertThat(Http3Setting.all()).hasSize(everythingSet().toString().split(", ").length);
	}

	private static void assertInvalid(Consumer<Http3Settings.Builder> change, String setting) {
		assertThatExceptionOfType(InvalidHttp3SettingException.class)
			.isThrownBy(() -> change.accept(Http3Settings.builder()))
			.withMessageStartingWith(setting + ": ")
			.withMessageContaining("expected")
			.satisfies((ex) -> assertThat(ex.setting().name()).isEqualTo(setting));
	}

}
