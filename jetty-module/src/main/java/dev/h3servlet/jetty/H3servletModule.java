package dev.h3servlet.jetty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3Connectors;
import dev.h3servlet.connector.Http3Setting;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.connector.InvalidHttp3SettingException;
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
 * Each key ({@link #KEYS}) stands for one {@link Http3Setting}, which owns its default and the values it accepts.
 * Keys that mean what they mean in Jetty's own {@code http3} module keep its names ({@code jetty.quic.*},
 * {@code jetty.http3.*}); the others are {@code jetty.h3servlet.*}. Times are in milliseconds (seconds for the
 * Alt-Svc max age, as on the wire), sizes in bytes.
 */
public final class H3servletModule {

	/** The module's keys, each with the setting it stands for and how its text is read. */
	static final List<Key<?>> KEYS = List.of(
			new Key<>("jetty.h3servlet.transport", Http3Setting.TRANSPORT, "", H3servletModule::transport),
			new Key<>("jetty.quic.host", Http3Setting.HOST, "", H3servletModule::text),
			new Key<>("jetty.quic.port", Http3Setting.PORT, "a number", Integer::valueOf),
			new Key<>("jetty.quic.idleTimeout", Http3Setting.IDLE_TIMEOUT, "a number of milliseconds",
					(text) -> Duration.ofMillis(Long.parseLong(text))),
			new Key<>("jetty.quic.bidirectionalMaxStreams", Http3Setting.MAX_CONCURRENT_STREAMS, "a number",
					Long::valueOf),
			new Key<>("jetty.quic.sessionMaxData", Http3Setting.SESSION_RECEIVE_WINDOW, "a number of bytes",
					Long::valueOf),
			new Key<>("jetty.quic.remoteBidirectionalStreamMaxData", Http3Setting.STREAM_RECEIVE_WINDOW,
					"a number of bytes", Long::valueOf),
			new Key<>("jetty.http3.streamIdleTimeout", Http3Setting.STREAM_IDLE_TIMEOUT, "a number of milliseconds",
					(text) -> Duration.ofMillis(Long.parseLong(text))),
			new Key<>("jetty.http3.maxRequestHeadersSize", Http3Setting.MAX_REQUEST_HEADER_SIZE, "a number of bytes",
					Integer::valueOf),
			new Key<>("jetty.quic.pemWorkDir", Http3Setting.PEM_WORK_DIR, "", H3servletModule::path),
			new Key<>("jetty.h3servlet.udpReceiveBufferSize", Http3Setting.UDP_RECEIVE_BUFFER_SIZE,
					"a number of bytes", Integer::valueOf),
			new Key<>("jetty.h3servlet.udpSendBufferSize", Http3Setting.UDP_SEND_BUFFER_SIZE, "a number of bytes",
					Integer::valueOf),
			new Key<>("jetty.h3servlet.eventLoops", Http3Setting.EVENT_LOOPS, "a number", Integer::valueOf),
			new Key<>("jetty.h3servlet.altSvc.enabled", Http3Setting.ALT_SVC_ENABLED, "", H3servletModule::bool),
			new Key<>("jetty.h3servlet.altSvc.maxAge", Http3Setting.ALT_SVC_MAX_AGE, "a number of seconds",
					(text) -> Duration.ofSeconds(Long.parseLong(text))),
			new Key<>("jetty.h3servlet.altSvc.port", Http3Setting.ALT_SVC_PORT, "a number", Integer::valueOf),
			new Key<>("jetty.h3servlet.webTransport.enabled", Http3Setting.WEB_TRANSPORT_ENABLED, "",
					H3servletModule::bool),
			new Key<>("jetty.h3servlet.webTransport.maxSessions", Http3Setting.WEB_TRANSPORT_MAX_SESSIONS, "a number",
					Integer::valueOf),
			new Key<>("jetty.h3servlet.webTransport.maxStreamsPerSession",
					Http3Setting.WEB_TRANSPORT_MAX_STREAMS_PER_SESSION, "a number", Integer::valueOf),
			new Key<>("jetty.h3servlet.webTransport.datagramQueue", Http3Setting.WEB_TRANSPORT_DATAGRAM_QUEUE,
					"a number", Integer::valueOf));

	private static final Map<String, Key<?>> KEYS_BY_NAME = new LinkedHashMap<>();

	static {
		KEYS.forEach((key) -> KEYS_BY_NAME.put(key.name(), key));
	}

	private final Http3Settings.Builder settings = Http3Settings.builder();

	/**
	 * Sets one of the module's properties, as {@code etc/h3servlet.xml} gives it.
	 * @param key the property's key, one of {@link #KEYS}
	 * @param text its value as text; {@code null} (the property is not set) leaves the setting as it is
	 * @throws IllegalArgumentException naming the key, if the value is not one its setting accepts
	 */
	public void property(String key, String text) {
		Key<?> property = KEYS_BY_NAME.get(key);
		if (property == null) {
			throw printedFirst(new IllegalArgumentException("Unknown h3servlet module setting " + key
					+ " (expected one of " + KEYS_BY_NAME.keySet() + ")"));
		}
		if (text != null) {
			property.apply(this.settings, text);
		}
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

	private static Http3Transport transport(String text) {
		return text.isEmpty() ? null : Http3Transport.of(text);
	}

	private static String text(String text) {
		return text.isEmpty() ? null : text;
	}

	private static Path path(String text) {
		return text.isEmpty() ? null : Path.of(text);
	}

	private static Boolean bool(String text) {
		if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
			throw new IllegalArgumentException(text);
		}
		return Boolean.valueOf(text);
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

	/**
	 * One of the module's keys.
	 * @param name the key ({@code jetty.quic.idleTimeout})
	 * @param setting the setting it stands for
	 * @param unit how its text is read, as a phrase ({@code "a number of milliseconds"}), empty where the setting's
	 * own phrase says it
	 * @param parser reads the (trimmed) text; {@code null} for the setting's default
	 */
	record Key<T>(String name, Http3Setting<T> setting, String unit, Function<String, T> parser) {

		/** What the key's values must be: {@code a number of milliseconds > 0}. */
		String expected() {
			return this.unit.isEmpty() ? this.setting.expected() : this.unit + " " + this.setting.expected();
		}

		void apply(Http3Settings.Builder settings, String text) {
			T value;
			try {
				value = this.parser.apply(text.trim()); // NumberFormatException, InvalidPathException: both IllegalArgumentException
			}
			catch (IllegalArgumentException ex) {
				throw invalid(text, ex);
			}
			try {
				settings.set(this.setting, value);
			}
			catch (InvalidHttp3SettingException ex) {
				throw invalid(text, ex);
			}
		}

		private IllegalArgumentException invalid(String text, Exception cause) {
			return printedFirst(new IllegalArgumentException("Invalid h3servlet module setting " + this.name + "="
					+ text + ": " + this.name + " must be " + expected(), cause));
		}

	}

}
