package dev.h3servlet.connector.netty;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link NativeQuic}: the native QUIC library loads here, and the classifier named when it does not is the
 * one Netty publishes for this platform.
 */
class NativeQuicTests {

	@Test
	void theNativeLibraryLoadsHere() {
		assertThatNoException().isThrownBy(NativeQuic::requireAvailable);
	}

	@Test
	void theClassifierIsNettysNameForThisPlatform() {
		String arch = System.getProperty("os.arch");
		String expected = switch (arch) {
			case "amd64", "x86_64" -> "linux-x86_64";
			case "aarch64" -> "linux-aarch_64";
			default -> "linux-" + arch;
		};
		assertThat(NativeQuic.classifier()).isEqualTo(expected);
		// and the jar of that name is what the connector ships for this platform
		assertThat(NativeQuicTests.class.getClassLoader()
			.getResource("META-INF/native/libnetty_quiche42_" + expected.replace('-', '_') + ".so")).isNotNull();
	}

}
