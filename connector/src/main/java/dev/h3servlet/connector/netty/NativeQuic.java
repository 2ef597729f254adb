package dev.h3servlet.connector.netty;

import java.util.Locale;

import io.netty.channel.epoll.Epoll;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.quic.Quic;

/**
 * Netty's native QUIC library (quiche and BoringSSL): loaded ahead of a start where the application allows it
 * ({@link #preload()}), checked before the listener binds, with the jar to add named when it does not load here.
 */
final class NativeQuic {

	private NativeQuic() {
	}

	static void requireAvailable() {
		if (Quic.isAvailable()) {
			return;
		}
		Throwable cause = Quic.unavailabilityCause();
		throw new IllegalStateException("HTTP/3 (netty transport) needs Netty's native QUIC library for this platform ("
				+ System.getProperty("os.name") + "/" + System.getProperty("os.arch") + "), which did not load: add "
				+ "io.netty:netty-codec-native-quic with classifier " + classifier() + " at the version of the other "
				+ "Netty jars" + ((cause != null) ? " (" + cause + ")" : ""), cause);
	}

	/**
	 * Loads Netty's native QUIC library and, where it applies, its epoll transport (as {@link UdpSockets} would), and
	 * the HTTP/3 codec's classes; whether they loaded is checked when the listener opens.
	 */
	static void preload() {
		if (Quic.isAvailable()) {
			Http3.newQuicServerCodecBuilder();
			Epoll.isAvailable();
		}
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
