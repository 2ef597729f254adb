package dev.h3servlet.connector;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Immutable settings of an HTTP/3 listener, made with {@link #builder()}.
 * <p>
 * Every setting that is left unset ({@code null}) keeps the value that follows from the Jetty server the listener is
 * added to: the TLS connector's port and host, the {@code HttpConfiguration}'s request header size, or Jetty's own
 * HTTP/3 default.
 *
 * @see Http3Connectors#install(org.eclipse.jetty.server.Server, Http3Settings)
 */
public final class Http3Settings {

	/** Alt-Svc freshness that RFC 7838 assumes when {@code ma} is absent: 24 hours. */
	public static final Duration DEFAULT_ALT_SVC_MAX_AGE = Duration.ofHours(24);

	/**
	 * UDP socket buffer size asked for by default: 4 MiB. The Linux default (208 KiB) overflows under a single fast
	 * upload, dropping packets that QUIC then has to detect and resend.
	 */
	public static final int DEFAULT_UDP_BUFFER_SIZE = 4 * 1024 * 1024;

	/** The most UDP sockets (event loops) a listener may have. */
	public static final int MAX_EVENT_LOOPS = 256;

	/** The transport used unless one is set. */
	public static final Http3Transport DEFAULT_TRANSPORT = Http3Transport.NETTY;

	private static final Http3Settings DEFAULTS = new Builder().build();

	private final Http3Transport transport;

	private final Integer port;

	private final String host;

	private final Duration idleTimeout;

	private final Long maxConcurrentStreams;

	private final Long sessionReceiveWindow;

	private final Long streamReceiveWindow;

	private final Integer maxRequestHeaderSize;

	private final Duration streamIdleTimeout;

	private final int udpReceiveBufferSize;

	private final int udpSendBufferSize;

	private final Integer eventLoops;

	private final Path pemWorkDir;

	private final boolean altSvcEnabled;

	private final Duration altSvcMaxAge;

	private final Integer altSvcPort;

	private Http3Settings(Builder builder) {
		this.transport = builder.transport;
		this.port = builder.port;
		this.host = builder.host;
		this.idleTimeout = builder.idleTimeout;
		this.maxConcurrentStreams = builder.maxConcurrentStreams;
		this.sessionReceiveWindow = builder.sessionReceiveWindow;
		this.streamReceiveWindow = builder.streamReceiveWindow;
		this.maxRequestHeaderSize = builder.maxRequestHeaderSize;
		this.streamIdleTimeout = builder.streamIdleTimeout;
		this.udpReceiveBufferSize = builder.udpReceiveBufferSize;
		this.udpSendBufferSize = builder.udpSendBufferSize;
		this.eventLoops = builder.eventLoops;
		this.pemWorkDir = builder.pemWorkDir;
		this.altSvcEnabled = builder.altSvcEnabled;
		this.altSvcMaxAge = builder.altSvcMaxAge;
		this.altSvcPort = builder.altSvcPort;
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
		return new Builder(this);
	}

	/** What turns UDP datagrams into Jetty requests; never {@code null}. */
	public Http3Transport transport() {
		return this.transport;
	}

	/** UDP port; {@code null} means the TLS connector's port (so h3 sits on the same number), 0 any free port. */
	public Integer port() {
		return this.port;
	}

	/** Host or address to bind; {@code null} means the TLS connector's host. */
	public String host() {
		return this.host;
	}

	/** QUIC connection idle timeout; {@code null} means Jetty's connector default. */
	public Duration idleTimeout() {
		return this.idleTimeout;
	}

	/** Bidirectional streams (requests) a client may have open at once; {@code null} means Jetty's default. */
	public Long maxConcurrentStreams() {
		return this.maxConcurrentStreams;
	}

	/** Bytes a client may send on one connection before the server grants more; {@code null}: Jetty's default. */
	public Long sessionReceiveWindow() {
		return this.sessionReceiveWindow;
	}

	/** Bytes a client may send on one request stream before the server grants more; {@code null}: Jetty's default. */
	public Long streamReceiveWindow() {
		return this.streamReceiveWindow;
	}

	/** Largest request field section in bytes; {@code null} means the {@code HttpConfiguration}'s. */
	public Integer maxRequestHeaderSize() {
		return this.maxRequestHeaderSize;
	}

	/** Idle timeout of one request stream; {@code null} means Jetty's default. */
	public Duration streamIdleTimeout() {
		return this.streamIdleTimeout;
	}

	/**
	 * Requested size of the UDP socket's receive buffer (SO_RCVBUF) in bytes. The operating system may grant less
	 * (Linux caps it at {@code net.core.rmem_max}); a warning at start says so.
	 */
	public int udpReceiveBufferSize() {
		return this.udpReceiveBufferSize;
	}

	/** Requested size of the UDP socket's send buffer (SO_SNDBUF) in bytes; capped by the OS as above. */
	public int udpSendBufferSize() {
		return this.udpSendBufferSize;
	}

	/**
	 * UDP sockets of the netty transport, each read and written by its own event loop thread, all on the listener's
	 * port ({@code SO_REUSEPORT}); {@code null} means the transport's default. One socket uses at most one core for QUIC
	 * packet processing. The jetty-quiche transport has one socket and ignores this (with a warning).
	 */
	public Integer eventLoops() {
		return this.eventLoops;
	}

	/**
	 * Directory where the private key and certificate chain are exported as PEM for quiche; {@code null} means a
	 * private temporary directory created at start and deleted at stop.
	 */
	public Path pemWorkDir() {
		return this.pemWorkDir;
	}

	/** Whether HTTP/1.1 and HTTP/2 responses advertise the h3 listener with an {@code Alt-Svc} header. */
	public boolean altSvcEnabled() {
		return this.altSvcEnabled;
	}

	/** The {@code ma} (max age) of the advertisement. */
	public Duration altSvcMaxAge() {
		return this.altSvcMaxAge;
	}

	/**
	 * The UDP port the advertisement names; {@code null} means the port the listener is bound to. Set it when clients
	 * reach the listener through another port, e.g. a load balancer's 443 in front of instances on 8443.
	 */
	public Integer altSvcPort() {
		return this.altSvcPort;
	}

	@Override
	public String toString() {
		return "Http3Settings{transport=" + this.transport + ", port=" + this.port + ", host=" + this.host + ", idleTimeout=" + this.idleTimeout
				+ ", maxConcurrentStreams=" + this.maxConcurrentStreams + ", sessionReceiveWindow="
				+ this.sessionReceiveWindow + ", streamReceiveWindow=" + this.streamReceiveWindow
				+ ", maxRequestHeaderSize=" + this.maxRequestHeaderSize + ", streamIdleTimeout="
				+ this.streamIdleTimeout + ", udpReceiveBufferSize=" + this.udpReceiveBufferSize
				+ ", udpSendBufferSize=" + this.udpSendBufferSize + ", eventLoops=" + this.eventLoops + ", pemWorkDir=" + this.pemWorkDir + ", altSvcEnabled=" + this.altSvcEnabled
				+ ", altSvcMaxAge=" + this.altSvcMaxAge + ", altSvcPort=" + this.altSvcPort + "}";
	}

	/**
	 * Builds {@link Http3Settings}. Every setter checks its argument and names the setting it rejects; {@code null}
	 * resets a setting to its default.
	 */
	public static final class Builder {

		private Http3Transport transport = DEFAULT_TRANSPORT;

		private Integer port;

		private String host;

		private Duration idleTimeout;

		private Long maxConcurrentStreams;

		private Long sessionReceiveWindow;

		private Long streamReceiveWindow;

		private Integer maxRequestHeaderSize;

		private Duration streamIdleTimeout;

		private int udpReceiveBufferSize = DEFAULT_UDP_BUFFER_SIZE;

		private int udpSendBufferSize = DEFAULT_UDP_BUFFER_SIZE;

		private Integer eventLoops;

		private Path pemWorkDir;

		private boolean altSvcEnabled = true;

		private Duration altSvcMaxAge = DEFAULT_ALT_SVC_MAX_AGE;

		private Integer altSvcPort;

		private Builder() {
		}

		private Builder(Http3Settings settings) {
			this.transport = settings.transport;
			this.port = settings.port;
			this.host = settings.host;
			this.idleTimeout = settings.idleTimeout;
			this.maxConcurrentStreams = settings.maxConcurrentStreams;
			this.sessionReceiveWindow = settings.sessionReceiveWindow;
			this.streamReceiveWindow = settings.streamReceiveWindow;
			this.maxRequestHeaderSize = settings.maxRequestHeaderSize;
			this.streamIdleTimeout = settings.streamIdleTimeout;
			this.udpReceiveBufferSize = settings.udpReceiveBufferSize;
			this.udpSendBufferSize = settings.udpSendBufferSize;
			this.eventLoops = settings.eventLoops;
			this.pemWorkDir = settings.pemWorkDir;
			this.altSvcEnabled = settings.altSvcEnabled;
			this.altSvcMaxAge = settings.altSvcMaxAge;
			this.altSvcPort = settings.altSvcPort;
		}

		public Builder transport(Http3Transport transport) {
			this.transport = (transport != null) ? transport : DEFAULT_TRANSPORT;
			return this;
		}

		/** The transport by its name ({@code netty} or {@code jetty-quiche}); {@code null} for the default. */
		public Builder transport(String transport) {
			return transport((transport != null) ? Http3Transport.of(transport) : null);
		}

		public Builder port(Integer port) {
			if (port != null && (port < 0 || port > 65535)) {
				throw new IllegalArgumentException("port: " + port + " (expected: 0-65535, or null for the TLS port)");
			}
			this.port = port;
			return this;
		}

		public Builder host(String host) {
			if (host != null && host.isBlank()) {
				throw new IllegalArgumentException("host: '" + host + "' (expected: a host name or address, or null)");
			}
			this.host = host;
			return this;
		}

		public Builder idleTimeout(Duration idleTimeout) {
			this.idleTimeout = positive("idleTimeout", idleTimeout);
			return this;
		}

		public Builder idleTimeoutMillis(long idleTimeoutMillis) {
			return idleTimeout(Duration.ofMillis(idleTimeoutMillis));
		}

		public Builder maxConcurrentStreams(Long maxConcurrentStreams) {
			this.maxConcurrentStreams = positive("maxConcurrentStreams", maxConcurrentStreams);
			return this;
		}

		public Builder sessionReceiveWindow(Long bytes) {
			this.sessionReceiveWindow = positive("sessionReceiveWindow", bytes);
			return this;
		}

		public Builder streamReceiveWindow(Long bytes) {
			this.streamReceiveWindow = positive("streamReceiveWindow", bytes);
			return this;
		}

		public Builder maxRequestHeaderSize(Integer bytes) {
			Long checked = positive("maxRequestHeaderSize", (bytes != null) ? bytes.longValue() : null);
			this.maxRequestHeaderSize = (checked != null) ? bytes : null;
			return this;
		}

		public Builder streamIdleTimeout(Duration streamIdleTimeout) {
			this.streamIdleTimeout = positive("streamIdleTimeout", streamIdleTimeout);
			return this;
		}

		public Builder streamIdleTimeoutMillis(long streamIdleTimeoutMillis) {
			return streamIdleTimeout(Duration.ofMillis(streamIdleTimeoutMillis));
		}

		public Builder udpReceiveBufferSize(int bytes) {
			positive("udpReceiveBufferSize", (long) bytes);
			this.udpReceiveBufferSize = bytes;
			return this;
		}

		public Builder udpSendBufferSize(int bytes) {
			positive("udpSendBufferSize", (long) bytes);
			this.udpSendBufferSize = bytes;
			return this;
		}

		public Builder eventLoops(Integer eventLoops) {
			if (eventLoops != null && (eventLoops < 1 || eventLoops > MAX_EVENT_LOOPS)) {
				throw new IllegalArgumentException("eventLoops: " + eventLoops + " (expected: 1 to " + MAX_EVENT_LOOPS
						+ ", or null for the default)");
			}
			this.eventLoops = eventLoops;
			return this;
		}

		public Builder pemWorkDir(Path pemWorkDir) {
			this.pemWorkDir = pemWorkDir;
			return this;
		}

		public Builder altSvcEnabled(boolean altSvcEnabled) {
			this.altSvcEnabled = altSvcEnabled;
			return this;
		}

		public Builder altSvcMaxAge(Duration altSvcMaxAge) {
			if (altSvcMaxAge != null && altSvcMaxAge.isNegative()) {
				throw new IllegalArgumentException(
						"altSvcMaxAge: " + altSvcMaxAge + " (expected: >= 0, or null for the default)");
			}
			this.altSvcMaxAge = (altSvcMaxAge != null) ? altSvcMaxAge : DEFAULT_ALT_SVC_MAX_AGE;
			return this;
		}

		public Builder altSvcPort(Integer altSvcPort) {
			if (altSvcPort != null && (altSvcPort < 1 || altSvcPort > 65535)) {
				throw new IllegalArgumentException("altSvcPort: " + altSvcPort
						+ " (expected: 1 to 65535, or null for the listener's own port)");
			}
			this.altSvcPort = altSvcPort;
			return this;
		}

		public Http3Settings build() {
			return new Http3Settings(this);
		}

		private static Duration positive(String name, Duration value) {
			if (value != null && (value.isNegative() || value.isZero())) {
				throw new IllegalArgumentException(name + ": " + value + " (expected: > 0, or null for the default)");
			}
			return value;
		}

		private static Long positive(String name, Long value) {
			if (value != null && value <= 0) {
				throw new IllegalArgumentException(name + ": " + value + " (expected: > 0, or null for the default)");
			}
			return value;
		}

	}

}
