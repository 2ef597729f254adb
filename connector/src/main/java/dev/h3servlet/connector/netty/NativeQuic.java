package dev.h3servlet.connector.netty;

import java.util.Locale;

import dev.h3servlet.connector.Http3StartupException;
import io.netty.handler.codec.quic.Quic;

/**
 * Checks that Netty's native QUIC library (quiche and BoringSSL) loads on this platform, before the listener binds,
 * and names the jar to add when it does not.
 */
final class NativeQuic {

	private NativeQuic() {
	}

	static void requireAvailable() {
		if (Quic.isAvailable()) {
			return;
		}
		Throwable cause = Quic.unavailabilityCause();
		throw new Http3StartupException("HTTP/3 (netty transport) needs Netty's native QUIC library for this platform ("
				+ System.getProperty("os.name") + "/" + System.getProperty("os.arch") + "), which did not load"
				+ ((cause != null) ? " (" + cause + ")" : ""), "Add io.netty:netty-codec-native-quic with classifier "
						+ classifier() + " at the version of the other Netty jars", cause);
	}

	/** The Maven classifier of the native QUIC jar for this platform, as Netty names them. */
	static String classifier() {
		String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
		String osPart = os.contains("win") ? "windows" : (os.contains("mac") || os.contains("darwin")) ? "osx" : "linux";
		String archPart = switch (arch) {
			case "amd64", "x86_64" -> "x86_64";
			case "aarch64", "arm64" -> "aarch_64";
			default -> arch;
		};
		return osPart + "-" + archPart;
	}

}
