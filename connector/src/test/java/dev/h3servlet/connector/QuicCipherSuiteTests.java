package dev.h3servlet.connector;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deduction of the HTTP/3 TLS cipher suite from the CPU's features.
 */
class QuicCipherSuiteTests {

	@Test
	void x86WithAesNiAndClmulGetsAes128Gcm() {
		List<String> cpuinfo = List.of("processor\t: 0", "vendor_id\t: GenuineIntel",
				"flags\t\t: fpu vme sse2 pclmulqdq ssse3 aes avx");
		assertThat(QuicCipherSuite.deduce(cpuinfo, "amd64")).isEqualTo(QuicCipherSuite.AES_128_GCM);
	}

	@Test
	void x86WithoutAesNiGetsChaCha20() {
		List<String> cpuinfo = List.of("processor\t: 0", "flags\t\t: fpu vme sse2 ssse3");
		assertThat(QuicCipherSuite.deduce(cpuinfo, "amd64")).isEqualTo(QuicCipherSuite.CHACHA20_POLY1305);
	}

	@Test
	void x86WithAesNiButNoClmulGetsChaCha20() {
		List<String> cpuinfo = List.of("flags\t\t: fpu sse2 aes");
		assertThat(QuicCipherSuite.deduce(cpuinfo, "amd64")).isEqualTo(QuicCipherSuite.CHACHA20_POLY1305);
	}

	@Test
	void armWithAesAndPmullGetsAes128Gcm() {
		List<String> cpuinfo = List.of("processor\t: 0", "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32");
		assertThat(QuicCipherSuite.deduce(cpuinfo, "aarch64")).isEqualTo(QuicCipherSuite.AES_128_GCM);
	}

	@Test
	void armWithoutCryptoExtensionsGetsChaCha20() {
		List<String> cpuinfo = List.of("processor\t: 0", "Features\t: fp asimd evtstrm crc32");
		assertThat(QuicCipherSuite.deduce(cpuinfo, "aarch64")).isEqualTo(QuicCipherSuite.CHACHA20_POLY1305);
	}

	@Test
	void unreadableFeaturesFallBackOnTheArchitecture() {
		assertThat(QuicCipherSuite.deduce(List.of(), "amd64")).isEqualTo(QuicCipherSuite.AES_128_GCM);
		assertThat(QuicCipherSuite.deduce(List.of(), "riscv64")).isEqualTo(QuicCipherSuite.CHACHA20_POLY1305);
	}

}
