package dev.h3servlet.connector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * One setting of an HTTP/3 listener: its name, its type, its default and the values it accepts. This class is the
 * one place that knows them; {@link Http3Settings} holds a value for each, and the Spring Boot properties
 * ({@code server.http3.*}) and the standalone Jetty module ({@code jetty.quic.*}, {@code jetty.h3servlet.*}) map their
 * own keys to these settings and report a rejected value with {@link InvalidHttp3SettingException#setting()}.
 *
 * @param <T> the type of the setting's value
 */
public final class Http3Setting<T> {

	/** The UDP sockets a listener may have at most (netty transport: one event loop each). */
	public static final int MAX_EVENT_LOOPS = 256;

	/** What turns UDP datagrams into Jetty requests. */
	public static final Http3Setting<Http3Transport> TRANSPORT = new Http3Setting<>("transport",
			Http3Transport.class, Http3Transport.NETTY, (value) -> true, Http3Transport.names());

	/** UDP port; unset means the TLS connector's port (so h3 sits on the same number), 0 any free port. */
	public static final Http3Setting<Integer> PORT = new Http3Setting<>("port", Integer.class, null,
			(value) -> value >= 0 && value <= 65535, "0 to 65535");

	/** Host or address to bind; unset means the TLS connector's host. */
	public static final Http3Setting<String> HOST = new Http3Setting<>("host", String.class, null,
			(value) -> !value.isBlank(), "a host name or address");

	/** QUIC connection idle timeout; unset means the transport's default. */
	public static final Http3Setting<Duration> IDLE_TIMEOUT = positiveDuration("idleTimeout");

	/** Requests (bidirectional streams) a client may have open at once; unset means the transport's default. */
	public static final Http3Setting<Long> MAX_CONCURRENT_STREAMS = positiveLong("maxConcurrentStreams");

	/** Bytes a client may send on one connection before the server grants more; unset: the transport's default. */
	public static final Http3Setting<Long> SESSION_RECEIVE_WINDOW = positiveLong("sessionReceiveWindow");

	/** Bytes a client may send on one request stream before the server grants more; unset: the transport's. */
	public static final Http3Setting<Long> STREAM_RECEIVE_WINDOW = positiveLong("streamReceiveWindow");

	/** Largest request field section in bytes; unset means the {@code HttpConfiguration}'s request header size. */
	public static final Http3Setting<Integer> MAX_REQUEST_HEADER_SIZE = new Http3Setting<>("maxRequestHeaderSize",
			Integer.class, null, (value) -> value > 0, "> 0");

	/** Idle timeout of one request stream; unset means the transport's default. */
	public static final Http3Setting<Duration> STREAM_IDLE_TIMEOUT = positiveDuration("streamIdleTimeout");

	/**
	 * UDP receive buffer (SO_RCVBUF) to ask the operating system for: 4 MiB unless set. The Linux default (208 KiB)
	 * overflows under a single fast upload, dropping packets that QUIC then has to detect and resend.
	 */
	public static final Http3Setting<Integer> UDP_RECEIVE_BUFFER_SIZE = new Http3Setting<>("udpReceiveBufferSize",
			Integer.class, 4 * 1024 * 1024, (value) -> value > 0, "> 0");

	/** UDP send buffer (SO_SNDBUF) to ask the operating system for: 4 MiB unless set. */
	public static final Http3Setting<Integer> UDP_SEND_BUFFER_SIZE = new Http3Setting<>("udpSendBufferSize",
			Integer.class, 4 * 1024 * 1024, (value) -> value > 0, "> 0");

	/** UDP sockets of the netty transport, each on its own event loop; unset means the transport's choice. */
	public static final Http3Setting<Integer> EVENT_LOOPS = new Http3Setting<>("eventLoops", Integer.class, null,
			(value) -> value >= 1 && value <= MAX_EVENT_LOOPS, "1 to " + MAX_EVENT_LOOPS);

	/** Where the jetty-quiche transport exports the key and chain as PEM; unset means a private temporary one. */
	public static final Http3Setting<Path> PEM_WORK_DIR = new Http3Setting<>("pemWorkDir", Path.class, null,
			(value) -> true, "a directory");

	/** Whether HTTP/1.1 and HTTP/2 responses advertise the h3 listener with {@code Alt-Svc}: yes unless set. */
	public static final Http3Setting<Boolean> ALT_SVC_ENABLED = new Http3Setting<>("altSvcEnabled", Boolean.class,
			true, (value) -> true, "true or false");

	/**
	 * The advertisement's {@code ma} (max age): 24 hours unless set, the freshness RFC 7838 assumes when {@code ma}
	 * is absent.
	 */
	public static final Http3Setting<Duration> ALT_SVC_MAX_AGE = new Http3Setting<>("altSvcMaxAge", Duration.class,
			Duration.ofHours(24), (value) -> !value.isNegative(), ">= 0");

	/** The UDP port the advertisement names; unset means the listener's own (a load balancer's 443, say). */
	public static final Http3Setting<Integer> ALT_SVC_PORT = new Http3Setting<>("altSvcPort", Integer.class, null,
			(value) -> value >= 1 && value <= 65535, "1 to 65535");

	/**
	 * Whether the listener accepts WebTransport sessions (draft-02, as Chromium speaks it) for the endpoints the
	 * application registers: no unless set. The netty transport only.
	 */
	public static final Http3Setting<Boolean> WEB_TRANSPORT_ENABLED = new Http3Setting<>("webTransportEnabled",
			Boolean.class, false, (value) -> true, "true or false");

	/**
	 * WebTransport sessions one connection may have open at once: 16 unless set. A CONNECT beyond them is answered 429
	 * before the application sees it.
	 */
	public static final Http3Setting<Integer> WEB_TRANSPORT_MAX_SESSIONS = new Http3Setting<>(
			"webTransportMaxSessions", Integer.class, 16, (value) -> value > 0, "> 0");

	/**
	 * Streams the client may have open at once in one WebTransport session: 256 unless set. A stream beyond them is
	 * reset with H3_REQUEST_REJECTED before the application sees it.
	 */
	public static final Http3Setting<Integer> WEB_TRANSPORT_MAX_STREAMS_PER_SESSION = new Http3Setting<>(
			"webTransportMaxStreamsPerSession", Integer.class, 256, (value) -> value > 0, "> 0");

	/**
	 * WebTransport datagrams queued at most: 256 unless set. It bounds, per connection, QUIC's queue of datagrams
	 * received and of datagrams to send, and, per session, the datagrams waiting for the handler's
	 * {@code onDatagram}; a datagram beyond it is dropped (and counted), as datagrams may be.
	 */
	public static final Http3Setting<Integer> WEB_TRANSPORT_DATAGRAM_QUEUE = new Http3Setting<>(
			"webTransportDatagramQueue", Integer.class, 256, (value) -> value > 0 && value <= 65536, "1 to 65536");

	private static final List<Http3Setting<?>> ALL = List.of(TRANSPORT, PORT, HOST, IDLE_TIMEOUT,
			MAX_CONCURRENT_STREAMS, SESSION_RECEIVE_WINDOW, STREAM_RECEIVE_WINDOW, MAX_REQUEST_HEADER_SIZE,
			STREAM_IDLE_TIMEOUT, UDP_RECEIVE_BUFFER_SIZE, UDP_SEND_BUFFER_SIZE, EVENT_LOOPS, PEM_WORK_DIR,
			ALT_SVC_ENABLED, ALT_SVC_MAX_AGE, ALT_SVC_PORT, WEB_TRANSPORT_ENABLED, WEB_TRANSPORT_MAX_SESSIONS,
			WEB_TRANSPORT_MAX_STREAMS_PER_SESSION, WEB_TRANSPORT_DATAGRAM_QUEUE);

	private final String name;

	private final Class<T> type;

	private final T defaultValue;

	private final Predicate<T> accepted;

	private final String expected;

	private Http3Setting(String name, Class<T> type, T defaultValue, Predicate<T> accepted, String expected) {
		this.name = name;
		this.type = type;
		this.defaultValue = defaultValue;
		this.accepted = accepted;
		this.expected = expected;
	}

	/** Every setting, in the order {@link Http3Settings#toString()} lists them. */
	public static List<Http3Setting<?>> all() {
		return ALL;
	}

	/** The setting's name, as the builder method that sets it is named ({@code idleTimeout}). */
	public String name() {
		return this.name;
	}

	/** The type of the setting's value. */
	public Class<T> type() {
		return this.type;
	}

	/** The value the setting has unless set; {@code null} where the server or the transport decides. */
	public T defaultValue() {
		return this.defaultValue;
	}

	/** The values the setting accepts, as a phrase ({@code "> 0"}, {@code "1 to 65535"}). */
	public String expected() {
		return this.expected;
	}

	/**
	 * The value, checked.
	 * @param value a value of this setting's type, or {@code null} for the default
	 * @return the value, or the default for {@code null}
	 * @throws InvalidHttp3SettingException if the setting does not accept the value
	 */
	public T check(T value) {
		if (value == null) {
			return this.defaultValue;
		}
		if (!this.accepted.test(value)) {
			throw new InvalidHttp3SettingException(this, value);
		}
		return value;
	}

	@Override
	public String toString() {
		return this.name;
	}

	private static Http3Setting<Duration> positiveDuration(String name) {
		return new Http3Setting<>(name, Duration.class, null, (value) -> !value.isNegative() && !value.isZero(),
				"> 0");
	}

	private static Http3Setting<Long> positiveLong(String name) {
		return new Http3Setting<>(name, Long.class, null, (value) -> value > 0, "> 0");
	}

}
