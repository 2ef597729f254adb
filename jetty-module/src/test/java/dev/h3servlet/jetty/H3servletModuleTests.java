package dev.h3servlet.jetty;

import java.nio.file.Path;
import java.time.Duration;

import dev.h3servlet.connector.Http3Settings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The module's properties, as start.jar hands them to {@code etc/h3servlet.xml} (text), become {@link Http3Settings};
 * a bad value is refused with a message that names its key. The module running in a real Jetty is tested in it/
 * ({@code StandaloneJettyTests}).
 */
class H3servletModuleTests {

	@Test
	void unsetPropertiesKeepTheDefaults() {
		assertThat(new H3servletModule().settings()).hasToString(Http3Settings.defaults().toString());
	}

	@Test
	void propertiesBecomeSettings() {
		H3servletModule module = new H3servletModule();
		module.setHost(" 127.0.0.1 ");
		module.setPort("8443");
		module.setIdleTimeout("45000");
		module.setMaxConcurrentStreams("100");
		module.setSessionReceiveWindow("1048576");
		module.setStreamReceiveWindow("262144");
		module.setStreamIdleTimeout("20000");
		module.setMaxRequestHeaderSize("16384");
		module.setPemWorkDir("/var/lib/jetty/pem");
		module.setUdpReceiveBufferSize("1048576");
		module.setUdpSendBufferSize("2097152");
		module.setEventLoops("2");
		module.setAltSvcEnabled("false");
		module.setAltSvcMaxAge("3600");
		module.setAltSvcPort("443");
		Http3Settings settings = module.settings();
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
	void emptyHostAndPemWorkDirMeanTheDefault() {
		H3servletModule module = new H3servletModule();
		module.setHost("");
		module.setPemWorkDir(" ");
		assertThat(module.settings().host()).isNull();
		assertThat(module.settings().pemWorkDir()).isNull();
	}

	@Test
	void badValuesAreRefusedNamingTheirKey() {
		H3servletModule module = new H3servletModule();
		assertThatIllegalArgumentException().isThrownBy(() -> module.setIdleTimeout("-5"))
			.withMessage("Invalid h3servlet module setting jetty.quic.idleTimeout=-5: jetty.quic.idleTimeout must be "
					+ "a positive number of milliseconds");
		assertThatIllegalArgumentException().isThrownBy(() -> module.setPort("70000"))
			.withMessageContaining("jetty.quic.port must be a UDP port (0-65535)");
		assertThatIllegalArgumentException().isThrownBy(() -> module.setMaxConcurrentStreams("0"))
			.withMessageContaining("jetty.quic.bidirectionalMaxStreams must be a positive number");
		assertThatIllegalArgumentException().isThrownBy(() -> module.setSessionReceiveWindow("24MB"))
			.withMessageContaining("jetty.quic.sessionMaxData must be a positive number of bytes");
		assertThatIllegalArgumentException().isThrownBy(() -> module.setStreamReceiveWindow(""))
			.withMessageContaining("jetty.quic.remoteBidirectionalStreamMaxData must be");
		assertThatIllegalArgumentException().isThrownBy(() -> module.setStreamIdleTimeout("30s"))
			.withMessageContaining("jetty.http3.streamIdleTimeout must be");
		assertThatIllegalArgumentException().isThrownBy(() -> module.setMaxRequestHeaderSize("3000000000"))
			.withMessageContaining("jetty.http3.maxRequestHeadersSize must be");
		assertThatIllegalArgumentException().isThrownBy(() -> module.setUdpReceiveBufferSize("-1"))
			.withMessageContaining("jetty.h3servlet.udpReceiveBufferSize must be");
		assertThatIllegalArgumentException().isThrownBy(() -> module.setUdpSendBufferSize("x"))
			.withMessageContaining("jetty.h3servlet.udpSendBufferSize must be");
		assertThatIllegalArgumentException().isThrownBy(() -> module.setEventLoops("0"))
			.withMessageContaining("jetty.h3servlet.eventLoops must be a number of event loops (1-256)");
		assertThatIllegalArgumentException().isThrownBy(() -> module.setAltSvcEnabled("yes"))
			.withMessageContaining("jetty.h3servlet.altSvc.enabled must be true or false");
		assertThatIllegalArgumentException().isThrownBy(() -> module.setAltSvcMaxAge("-1"))
			.withMessageContaining("jetty.h3servlet.altSvc.maxAge must be a number of seconds (>= 0)");
		assertThatIllegalArgumentException().isThrownBy(() -> module.setAltSvcPort("0"))
			.withMessageContaining("jetty.h3servlet.altSvc.port must be a UDP port (1-65535)");
		assertThatIllegalArgumentException().isThrownBy(() -> module.setPemWorkDir("bad\0path"))
			.withMessageContaining("jetty.quic.pemWorkDir must be a directory path");
	}

}
