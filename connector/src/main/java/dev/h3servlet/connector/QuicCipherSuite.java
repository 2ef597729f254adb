package dev.h3servlet.connector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS cipher suite of HTTP/3 connections, deduced rather than read: quiche, the QUIC library under Jetty's
 * HTTP/3, does not expose the negotiated cipher.
 * <p>
 * QUIC always runs TLS 1.3 (RFC 9001), so the suite is one of the TLS 1.3 AEAD suites. quiche uses BoringSSL, whose
 * TLS 1.3 server takes the client's first offered suite when the CPU has AES hardware (AES-NI and carry-less
 * multiply on x86, AES and PMULL on ARMv8), and otherwise prefers ChaCha20-Poly1305. Every mainstream QUIC client
 * (Chromium, Firefox, curl, quiche, Jetty's client) offers {@code TLS_AES_128_GCM_SHA256} first, so the deduction is
 * {@value #AES_128_GCM} with AES hardware and {@value #CHACHA20_POLY1305} without. A client that offers another
 * suite first would make it wrong: it is a deduction, documented as such.
 * <p>
 * The CPU is read from Linux's {@code /proc/cpuinfo}; elsewhere, x86-64 and AArch64 processors are assumed to have
 * AES hardware (all current ones do).
 */
final class QuicCipherSuite {

	static final String AES_128_GCM = "TLS_AES_128_GCM_SHA256";

	static final String CHACHA20_POLY1305 = "TLS_CHACHA20_POLY1305_SHA256";

	private static final Logger logger = LoggerFactory.getLogger(QuicCipherSuite.class);

	private static final Path CPUINFO = Path.of("/proc/cpuinfo");

	private QuicCipherSuite() {
	}

	/** Deduces the suite for this machine's CPU. */
	static String deduce() {
		String arch = System.getProperty("os.arch", "");
		try {
			return deduce(Files.readAllLines(CPUINFO), arch);
		}
		catch (NoSuchFileException ex) {
			logger.debug("No {} (not Linux): assuming AES hardware on {}", CPUINFO, arch);
			return isAesEverywhere(arch) ? AES_128_GCM : CHACHA20_POLY1305;
		}
		catch (IOException ex) {
			logger.warn("Could not read {} to deduce the HTTP/3 cipher suite; assuming AES hardware on {}", CPUINFO,
					arch, ex);
			return isAesEverywhere(arch) ? AES_128_GCM : CHACHA20_POLY1305;
		}
	}

	/**
	 * Deduces the suite from the lines of {@code /proc/cpuinfo}.
	 * @param cpuinfo the lines of {@code /proc/cpuinfo}
	 * @param arch the {@code os.arch} system property
	 * @return the TLS 1.3 cipher suite BoringSSL chooses for a client that offers AES-128-GCM first
	 */
	static String deduce(List<String> cpuinfo, String arch) {
		Set<String> features = features(cpuinfo);
		if (features.isEmpty()) {
			return isAesEverywhere(arch) ? AES_128_GCM : CHACHA20_POLY1305;
		}
		boolean aesHardware = features.contains("aes")
				&& (features.contains("pclmulqdq") || features.contains("pmull"));
		return aesHardware ? AES_128_GCM : CHACHA20_POLY1305;
	}

	/** The first processor's {@code flags} (x86) or {@code Features} (ARM) line. */
	private static Set<String> features(List<String> cpuinfo) {
		for (String line : cpuinfo) {
			int colon = line.indexOf(':');
			if (colon < 0) {
				continue;
			}
			String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
			if (key.equals("flags") || key.equals("features")) {
				return Arrays.stream(line.substring(colon + 1).trim().split("\\s+"))
					.map((flag) -> flag.toLowerCase(Locale.ROOT))
					.collect(Collectors.toSet());
			}
		}
		return Set.of();
	}

	private static boolean isAesEverywhere(String arch) {
		return switch (arch) {
			case "amd64", "x86_64", "aarch64", "arm64" -> true;
			default -> false;
		};
	}

}
