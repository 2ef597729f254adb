package dev.h3servlet.connector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Immutable settings of an HTTP/3 listener, made with {@link #builder()}: a value for each {@link Http3Setting},
 * which owns the setting's name, default and accepted values.
 * <p>
 * Every setting that is left unset ({@code null}) keeps the value that follows from the Jetty server the listener is
 * added to: the TLS connector's port and host, the {@code HttpConfiguration}'s request header size, or the
 * transport's own default.
 *
 * @see Http3Connectors#install(org.eclipse.jetty.server.Server, Http3Settings)
 */
public final class Http3Settings {

	private static final Http3Settings DEFAULTS = new Builder().build();

	private final Map<Http3Setting<?>, Object> values;

	private Http3Settings(Builder builder) {
		this.values = Map.copyOf(builder.values);
	}

	/** Settings with every value at its default. */
	public static Http3Settings defaults() {
		return DEFAULTS;
	}

	public static Builder builder() {
		return new Builder();
	}

	/** A builder that starts from these settings. */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.values.putAll(this.values);
		return builder;
	}

	/** The value of a setting: the one set, else the setting's default ({@code null} where the server decides). */
	public <T> T get(Http3Setting<T> setting) {
		return setting.type().cast(this.values.get(setting));
	}

	/** What turns UDP datagrams into Jetty requests; never {@code null}. */
	public Http3Transport transport() {
		return get(Http3Setting.TRANSPORT);
	}

	/** UDP port; {@code null} means the TLS connector's port (so h3 sits on the same number), 0 any free port. */
	public Integer port() {
		return get(Http3Setting.PORT);
	}

	/** Host or address to bind; {@code null} means the TLS connector's host. */
	public String host() {
		return get(Http3Setting.HOST);
	}

	/** QUIC connection idle timeout; {@code null} means the transport's default. */
	public Duration idleTimeout() {
		return get(Http3Setting.IDLE_TIMEOUT);
	}

	/** Bidirectional streams (requests) a client may have open at once; {@code null} means the transport's default. */
	public Long maxConcurrentStreams() {
		return get(Http3Setting.MAX_CONCURRENT_STREAMS);
	}

	/** Bytes a client may send on one connection before the server grants more; {@code null}: the transport's. */
	public Long sessionReceiveWindow() {
		return get(Http3Setting.SESSION_RECEIVE_WINDOW);
	}

	/** Bytes a client may send on one request stream before the server grants more; {@code null}: the transport's. */
	public Long streamReceiveWindow() {
		return get(Http3Setting.STREAM_RECEIVE_WINDOW);
	}

	/** Largest request field section in bytes; {@code null} means the {@code HttpConfiguration}'s. */
	public Integer maxRequestHeaderSize() {
		return get(Http3Setting.MAX_REQUEST_HEADER_SIZE);
	}

	/** Idle timeout of one request stream; {@code null} means the transport's default. */
	public Duration streamIdleTimeout() {
		return get(Http3Setting.STREAM_IDLE_TIMEOUT);
	}

	/**
	 * Requested size of the UDP socket's receive buffer (SO_RCVBUF) in bytes. The operating system may grant less
	 * (Linux caps it at {@code net.core.rmem_max}); a warning at start says so.
	 */
	public int udpReceiveBufferSize() {
		return get(Http3Setting.UDP_RECEIVE_BUFFER_SIZE);
	}

	/** Requested size of the UDP socket's send buffer (SO_SNDBUF) in bytes; capped by the OS as above. */
	public int udpSendBufferSize() {
		return get(Http3Setting.UDP_SEND_BUFFER_SIZE);
	}

	/**
	 * UDP sockets of the netty transport, each read and written by its own event loop thread, all on the listener's
	 * port ({@code SO_REUSEPORT}); {@code null} means the transport's default. One socket uses at most one core for QUIC
	 * packet processing. The jetty-quiche transport has one socket and ignores this (with a warning).
	 */
	public Integer eventLoops() {
		return get(Http3Setting.EVENT_LOOPS);
	}

	/**
	 * Directory where the private key and certificate chain are exported as PEM for quiche; {@code null} means a
	 * private temporary directory created at start and deleted at stop.
	 */
	public Path pemWorkDir() {
		return get(Http3Setting.PEM_WORK_DIR);
	}

	/** Whether HTTP/1.1 and HTTP/2 responses advertise the h3 listener with an {@code Alt-Svc} header. */
	public boolean altSvcEnabled() {
		return get(Http3Setting.ALT_SVC_ENABLED);
	}

	/** The {@code ma} (max age) of the advertisement. */
	public Duration altSvcMaxAge() {
		return get(Http3Setting.ALT_SVC_MAX_AGE);
	}

	/**
	 * The UDP port the advertisement names; {@code null} means the port the listener is bound to. Set it when clients
	 * reach the listener through another port, e.g. a load balancer's 443 in front of instances on 8443.
	 */
	public Integer altSvcPort() {
		return get(Http3Setting.ALT_SVC_PORT);
	}

	/**
	 * Whether the listener accepts WebTransport sessions: it then advertises WebTransport (draft-02), the extended
	 * CONNECT (RFC 9220) and HTTP datagrams (RFC 9297) in its SETTINGS, and a CONNECT with {@code :protocol
	 * webtransport} reaches the application, which accepts it (see {@code dev.h3servlet.connector.webtransport}). The
	 * jetty-quiche transport refuses it at start-up.
	 */
	public boolean webTransportEnabled() {
		return get(Http3Setting.WEB_TRANSPORT_ENABLED);
	}

	/** WebTransport sessions one connection may have open at once; a CONNECT beyond them gets 429. */
	public int webTransportMaxSessions() {
		return get(Http3Setting.WEB_TRANSPORT_MAX_SESSIONS);
	}

	/** Streams the client may have open at once in one session; one beyond them is reset (H3_REQUEST_REJECTED). */
	public int webTransportMaxStreamsPerSession() {
		return get(Http3Setting.WEB_TRANSPORT_MAX_STREAMS_PER_SESSION);
	}

	/** WebTransport datagrams queued at most, per connection in QUIC and per session for the handler. */
	public int webTransportDatagramQueue() {
		return get(Http3Setting.WEB_TRANSPORT_DATAGRAM_QUEUE);
	}

	@Override
	public String toString() {
		return Http3Setting.all()
			.stream()
			.map((setting) -> setting.name() + "=" + this.values.get(setting))
			.collect(Collectors.joining(", ", "Http3Settings{", "}"));
	}

	/**
	 * Builds {@link Http3Settings}. Every setter checks its argument with its {@link Http3Setting} and throws
	 * {@link InvalidHttp3SettingException} naming the setting it rejects; {@code null} resets a setting to its default.
	 */
	public static final class Builder {

		private final Map<Http3Setting<?>, Object> values = new LinkedHashMap<>();

		private Builder() {
			for (Http3Setting<?> setting : Http3Setting.all()) {
				if (setting.defaultValue() != null) {
					this.values.put(setting, setting.defaultValue());
				}
			}
		}

		/**
		 * Sets a setting's value.
		 * @param setting the setting
		 * @param value its value, or {@code null} for its default
		 * @return this builder
		 * @throws InvalidHttp3SettingException if the setting does not accept the value
		 */
		public <T> Builder set(Http3Setting<T> setting, T value) {
			T checked = setting.check(value);
			if (checked != null) {
				this.values.put(setting, checked);
			}
			else {
				this.values.remove(setting);
			}
			return this;
		}

		public Builder transport(Http3Transport transport) {
			return set(Http3Setting.TRANSPORT, transport);
		}

		/** The transport by its name ({@code netty} or {@code jetty-quiche}); {@code null} for the default. */
		public Builder transport(String transport) {
			if (transport == null) {
				return transport((Http3Transport) null);
			}
			Http3Transport named = Http3Transport.find(transport);
			if (named == null) {
				throw new InvalidHttp3SettingException(Http3Setting.TRANSPORT, "'" + transport + "'");
			}
			return transport(named);
		}

		public Builder port(Integer port) {
			return set(Http3Setting.PORT, port);
		}

		public Builder host(String host) {
			return set(Http3Setting.HOST, host);
		}

		public Builder idleTimeout(Duration idleTimeout) {
			return set(Http3Setting.IDLE_TIMEOUT, idleTimeout);
		}

		public Builder idleTimeoutMillis(long idleTimeoutMillis) {
			return idleTimeout(Duration.ofMillis(idleTimeoutMillis));
		}

		public Builder maxConcurrentStreams(Long maxConcurrentStreams) {
			return set(Http3Setting.MAX_CONCURRENT_STREAMS, maxConcurrentStreams);
		}

		public Builder sessionReceiveWindow(Long bytes) {
			return set(Http3Setting.SESSION_RECEIVE_WINDOW, bytes);
		}

		public Builder streamReceiveWindow(Long bytes) {
			return set(Http3Setting.STREAM_RECEIVE_WINDOW, bytes);
		}

		public Builder maxRequestHeaderSize(Integer bytes) {
			return set(Http3Setting.MAX_REQUEST_HEADER_SIZE, bytes);
		}

		public Builder streamIdleTimeout(Duration streamIdleTimeout) {
			return set(Http3Setting.STREAM_IDLE_TIMEOUT, streamIdleTimeout);
		}

		public Builder streamIdleTimeoutMillis(long streamIdleTimeoutMillis) {
			return streamIdleTimeout(Duration.ofMillis(streamIdleTimeoutMillis));
		}

		public Builder udpReceiveBufferSize(Integer bytes) {
			return set(Http3Setting.UDP_RECEIVE_BUFFER_SIZE, bytes);
		}

		public Builder udpSendBufferSize(Integer bytes) {
			return set(Http3Setting.UDP_SEND_BUFFER_SIZE, bytes);
		}

		public Builder eventLoops(Integer eventLoops) {
			return set(Http3Setting.EVENT_LOOPS, eventLoops);
		}

		public Builder pemWorkDir(Path pemWorkDir) {
			return set(Http3Setting.PEM_WORK_DIR, pemWorkDir);
		}

		public Builder altSvcEnabled(Boolean altSvcEnabled) {
			return set(Http3Setting.ALT_SVC_ENABLED, altSvcEnabled);
		}

		public Builder altSvcMaxAge(Duration altSvcMaxAge) {
			return set(Http3Setting.ALT_SVC_MAX_AGE, altSvcMaxAge);
		}

		public Builder altSvcPort(Integer altSvcPort) {
			return set(Http3Setting.ALT_SVC_PORT, altSvcPort);
		}

		public Builder webTransportEnabled(Boolean webTransportEnabled) {
			return set(Http3Setting.WEB_TRANSPORT_ENABLED, webTransportEnabled);
		}

		public Builder webTransportMaxSessions(Integer maxSessions) {
			return set(Http3Setting.WEB_TRANSPORT_MAX_SESSIONS, maxSessions);
		}

		public Builder webTransportMaxStreamsPerSession(Integer maxStreams) {
			return set(Http3Setting.WEB_TRANSPORT_MAX_STREAMS_PER_SESSION, maxStreams);
		}

		public Builder webTransportDatagramQueue(Integer datagramQueue) {
			return set(Http3Setting.WEB_TRANSPORT_DATAGRAM_QUEUE, datagramQueue);
		}

		public Http3Settings build() {
			return new Http3Settings(this);
		}

	}

}
