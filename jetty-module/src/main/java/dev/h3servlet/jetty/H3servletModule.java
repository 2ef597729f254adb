package dev.h3servlet.jetty;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3Connectors;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.servlet.Http3BridgeHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * What the {@code h3servlet} module of a standalone Jetty ({@code $JETTY_BASE}) does, called by
 * {@code etc/h3servlet.xml}: it takes the module's properties as the text Jetty's start mechanism gives them, checks
 * each one (a bad value fails the start with a message naming its key), and {@link #install installs} HTTP/3 beside
 * the {@code ssl} module's TLS connector with {@link Http3Connectors#install(ServerConnector, Http3Settings)}, and
 * {@link Http3BridgeHandler} above every deployed web app.
 * <p>
 * Keys that mean what they mean in Jetty's own {@code http3} module keep its names ({@code jetty.quic.*},
 * {@code jetty.http3.*}); the others are {@code jetty.h3servlet.*}. Times are in milliseconds (seconds for the
 * Alt-Svc max age, as on the wire), sizes in bytes.
 */
public final class H3servletModule {

	private final Http3Settings.Builder settings = Http3Settings.builder();

	/** {@code jetty.h3servlet.transport}: {@code netty} (the default) or {@code jetty-quiche}. */
	public void setTransport(String transport) {
		String value = trimmed(transport);
		apply("jetty.h3servlet.transport", value, "netty or jetty-quiche",
				() -> this.settings.transport(value.isEmpty() ? null : value));
	}

	/** {@code jetty.quic.host}: address to bind; unset means the TLS connector's. */
	public void setHost(String host) {
		String value = trimmed(host);
		apply("jetty.quic.host", value, "a host name or address", () -> this.settings.host(value.isEmpty() ? null : value));
	}

	/** {@code jetty.quic.port}: UDP port; unset means the TLS connector's port number, 0 any free port. */
	public void setPort(String port) {
		long value = number("jetty.quic.port", port, 0, 65535, "a UDP port (0-65535)");
		this.settings.port((int) value);
	}

	/** {@code jetty.quic.idleTimeout}: QUIC connection idle timeout in milliseconds. */
	public void setIdleTimeout(String millis) {
		long value = number("jetty.quic.idleTimeout", millis, 1, Long.MAX_VALUE, "a positive number of milliseconds");
		this.settings.idleTimeout(Duration.ofMillis(value));
	}

	/** {@code jetty.quic.bidirectionalMaxStreams}: requests a client may have open at once on a connection. */
	public void setMaxConcurrentStreams(String streams) {
		long value = number("jetty.quic.bidirectionalMaxStreams", streams, 1, Long.MAX_VALUE, "a positive number");
		this.settings.maxConcurrentStreams(value);
	}

	/** {@code jetty.quic.sessionMaxData}: bytes a client may send on a connection before more credit. */
	public void setSessionReceiveWindow(String bytes) {
		long value = number("jetty.quic.sessionMaxData", bytes, 1, Long.MAX_VALUE, "a positive number of bytes");
		this.settings.sessionReceiveWindow(value);
	}

	/** {@code jetty.quic.remoteBidirectionalStreamMaxData}: bytes a client may send on a request stream. */
	public void setStreamReceiveWindow(String bytes) {
		long value = number("jetty.quic.remoteBidirectionalStreamMaxData", bytes, 1, Long.MAX_VALUE,
				"a positive number of bytes");
		this.settings.streamReceiveWindow(value);
	}

	/** {@code jetty.http3.streamIdleTimeout}: idle timeout of one request stream in milliseconds. */
	public void setStreamIdleTimeout(String millis) {
		long value = number("jetty.http3.streamIdleTimeout", millis, 1, Long.MAX_VALUE,
				"a positive number of milliseconds");
		this.settings.streamIdleTimeout(Duration.ofMillis(value));
	}

	/** {@code jetty.http3.maxRequestHeadersSize}: largest request field section in bytes. */
	public void setMaxRequestHeaderSize(String bytes) {
		long value = number("jetty.http3.maxRequestHeadersSize", bytes, 1, Integer.MAX_VALUE,
				"a positive number of bytes");
		this.settings.maxRequestHeaderSize((int) value);
	}

	/** {@code jetty.quic.pemWorkDir}: where the key and chain are exported as PEM; unset means a private temp dir. */
	public void setPemWorkDir(String directory) {
		String value = trimmed(directory);
		if (value.isEmpty()) {
			this.settings.pemWorkDir(null);
			return;
		}
		try {
			this.settings.pemWorkDir(Path.of(value));
		}
		catch (InvalidPathException ex) {
			throw invalid("jetty.quic.pemWorkDir", directory, "a directory path", ex);
		}
	}

	/** {@code jetty.h3servlet.udpReceiveBufferSize}: UDP SO_RCVBUF to ask for, in bytes. */
	public void setUdpReceiveBufferSize(String bytes) {
		long value = number("jetty.h3servlet.udpReceiveBufferSize", bytes, 1, Integer.MAX_VALUE,
				"a positive number of bytes");
		this.settings.udpReceiveBufferSize((int) value);
	}

	/** {@code jetty.h3servlet.udpSendBufferSize}: UDP SO_SNDBUF to ask for, in bytes. */
	public void setUdpSendBufferSize(String bytes) {
		long value = number("jetty.h3servlet.udpSendBufferSize", bytes, 1, Integer.MAX_VALUE,
				"a positive number of bytes");
		this.settings.udpSendBufferSize((int) value);
	}

	/** {@code jetty.h3servlet.eventLoops}: UDP sockets, each on its own event loop (netty transport). */
	public void setEventLoops(String count) {
		long value = number("jetty.h3servlet.eventLoops", count, 1, Http3Settings.MAX_EVENT_LOOPS,
				"a number of event loops (1-" + Http3Settings.MAX_EVENT_LOOPS + ")");
		this.settings.eventLoops((int) value);
	}

	/** {@code jetty.h3servlet.altSvc.enabled}: whether HTTP/1.1 and HTTP/2 responses advertise h3. */
	public void setAltSvcEnabled(String enabled) {
		String value = trimmed(enabled);
		if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
			throw invalid("jetty.h3servlet.altSvc.enabled", enabled, "true or false", null);
		}
		this.settings.altSvcEnabled(Boolean.parseBoolean(value));
	}

	/** {@code jetty.h3servlet.altSvc.maxAge}: the advertisement's {@code ma}, in seconds. */
	public void setAltSvcMaxAge(String seconds) {
		long value = number("jetty.h3servlet.altSvc.maxAge", seconds, 0, Long.MAX_VALUE / 1000,
				"a number of seconds (>= 0)");
		this.settings.altSvcMaxAge(Duration.ofSeconds(value));
	}

	/** {@code jetty.h3servlet.altSvc.port}: the UDP port the advertisement names (a load balancer's). */
	public void setAltSvcPort(String port) {
		long value = number("jetty.h3servlet.altSvc.port", port, 1, 65535, "a UDP port (1-65535)");
		this.settings.altSvcPort((int) value);
	}

	/** The settings made of the properties given so far. */
	public Http3Settings settings() {
		return this.settings.build();
	}

	/**
	 * Adds the HTTP/3 connector beside the TLS connector, and the bridge above the server's handler.
	 * @param tlsConnector the {@code ssl} module's connector ({@code sslConnector}), with its HTTP/1.1 and/or HTTP/2
	 * factories already added
	 * @return the HTTP/3 connector, which starts with the server
	 */
	public Http3Connector install(ServerConnector tlsConnector) {
		Http3Connector connector;
		try {
			connector = Http3Connectors.install(tlsConnector, settings());
		}
		catch (RuntimeException ex) {
			throw printedFirst(ex);
		}
		Server server = tlsConnector.getServer();
		server.insertHandler(new Http3BridgeHandler());
		return connector;
	}

	private static long number(String key, String text, long min, long max, String expected) {
		long value;
		try {
			value = Long.parseLong(trimmed(text));
		}
		catch (NumberFormatException ex) {
			throw invalid(key, text, expected, ex);
		}
		if (value < min || value > max) {
			throw invalid(key, text, expected, null);
		}
		return value;
	}

	private static void apply(String key, String text, String expected, Runnable setter) {
		try {
			setter.run();
		}
		catch (IllegalArgumentException ex) {
			throw invalid(key, text, expected, ex);
		}
	}

	private static String trimmed(String text) {
		return (text != null) ? text.trim() : "";
	}

	private static IllegalArgumentException invalid(String key, String text, String expected, Exception cause) {
		return printedFirst(new IllegalArgumentException(
				"Invalid h3servlet module setting " + key + "=" + text + ": " + key + " must be " + expected, cause));
	}

	/**
	 * Prints the failure's message on a line of its own before it is thrown: Jetty's XML configuration and start.jar
	 * each print the exception wrapped three times over, then start.jar's usage text, so that the one line that says
	 * what to fix would otherwise sit deep inside them.
	 */
	private static <T extends RuntimeException> T printedFirst(T failure) {
		System.err.println("h3servlet: " + failure.getMessage());
		System.err.flush();
		return failure;
	}

}
