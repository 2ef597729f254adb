package dev.h3servlet.connector;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What turns UDP datagrams into Jetty requests. Both feed the same Jetty {@code Server}, {@code HttpConfiguration},
 * customizers and handlers; they differ in the QUIC and HTTP/3 implementation below.
 */
public enum Http3Transport {

	/**
	 * Netty 4.2's QUIC and HTTP/3 codecs (quiche and BoringSSL through JNI) feeding Jetty's request handling. Needs only
	 * Jetty's core server API, so it runs on the Jetty version the application already has.
	 */
	NETTY("netty"),

	/**
	 * Jetty's own QUIC and HTTP/3 ({@code jetty-http3-server}, {@code jetty-quic-quiche-server} and a quiche binding).
	 * Jetty marks it experimental; its whole artifact set is served only at Jetty 12.1.5.
	 */
	JETTY_QUICHE("jetty-quiche");

	private final String id;

	Http3Transport(String id) {
		this.id = id;
	}

	/** The name used in properties and in the start-up line: {@code netty} or {@code jetty-quiche}. */
	public String id() {
		return this.id;
	}

	/**
	 * The transport with the given {@linkplain #id() name}, ignoring case; the enum constant names are accepted too.
	 * @param value {@code netty} or {@code jetty-quiche}
	 * @return the transport
	 * @throws IllegalArgumentException naming the accepted values
	 */
	public static Http3Transport of(String value) {
		Http3Transport transport = find(value);
		if (transport == null) {
			throw new IllegalArgumentException("transport: '" + value + "' (expected: " + names() + ")");
		}
		return transport;
	}

	/** The transport with the given name as {@link #of(String)} reads it, or {@code null} if there is none. */
	static Http3Transport find(String value) {
		if (value != null) {
			String normalized = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
			for (Http3Transport transport : values()) {
				if (transport.id.equals(normalized)) {
					return transport;
				}
			}
		}
		return null;
	}

	/** The transports' names, as a phrase: {@code netty or jetty-quiche}. */
	static String names() {
		return Arrays.stream(values()).map(Http3Transport::id).collect(Collectors.joining(" or "));
	}

	@Override
	public String toString() {
		return this.id;
	}

}
