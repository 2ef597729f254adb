package dev.h3servlet.connector.testing;

import dev.h3servlet.connector.Http3Setting;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3Transport;

/**
 * The HTTP/3 transport the suites run on: the {@value #PROPERTY} system property (set by the build: the default test
 * run uses {@code netty}; a second run of the classes tagged {@value #BOTH} uses {@code jetty-quiche}), else the
 * default transport.
 */
public final class TestTransport {

	/** The system property naming the transport, as in {@code -Dh3servlet.test.transport=jetty-quiche}. */
	public static final String PROPERTY = "h3servlet.test.transport";

	/** The JUnit tag of test classes the build runs on both transports. */
	public static final String BOTH = "both-transports";

	private TestTransport() {
	}

	/** The transport under test. */
	public static Http3Transport current() {
		String value = System.getProperty(PROPERTY);
		return (value == null || value.isBlank()) ? Http3Setting.TRANSPORT.defaultValue() : Http3Transport.of(value);
	}

	/** Settings on the transport under test. */
	public static Http3Settings.Builder settings() {
		return Http3Settings.builder().transport(current());
	}

	/** The given settings, moved to the transport under test. */
	public static Http3Settings on(Http3Settings settings) {
		return settings.toBuilder().transport(current()).build();
	}

	/** Whether the transport under test is the given one. */
	public static boolean is(Http3Transport transport) {
		return current() == transport;
	}

}
