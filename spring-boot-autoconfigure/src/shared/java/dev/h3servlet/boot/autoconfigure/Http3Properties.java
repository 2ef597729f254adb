package dev.h3servlet.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import dev.h3servlet.connector.Http3Setting;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * HTTP/3 properties of the embedded Jetty server. An unset value ({@code null}) follows the TLS connector (port,
 * host, request header size) or keeps the transport's default. Each property is an {@link Http3Setting} under its
 * name in kebab case ({@code maxRequestHeaderSize}: {@code max-request-header-size}, {@code altSvcPort}:
 * {@code alt-svc.port}); the defaults and the accepted values are the setting's.
 *
 * @see Http3AutoConfiguration
 */
@ConfigurationProperties("server.http3")
public class Http3Properties {

	/**
	 * Whether to serve HTTP/3 (QUIC over UDP) beside HTTP/1.1 and HTTP/2. Requires Jetty as the embedded server and
	 * TLS ('server.ssl.*' or 'server.ssl.bundle').
	 */
	private boolean enabled;

	/**
	 * What turns UDP datagrams into Jetty requests: 'netty' (Netty's QUIC and HTTP/3 codecs; runs on the application's
	 * own Jetty) or 'jetty-quiche' (Jetty's own HTTP/3, which needs jetty-http3-server, jetty-quic-quiche-server and a
	 * quiche binding at Jetty 12.1.5).
	 */
	private String transport = Http3Setting.TRANSPORT.defaultValue().id();

	/**
	 * UDP port of the HTTP/3 listener. Defaults to the port the TLS connector is bound to ('server.port', also when
	 * it is 0), so that HTTP/3 answers on the same port number as HTTP/1.1 and HTTP/2.
	 */
	private @Nullable Integer port;

	/**
	 * Network address to which the HTTP/3 listener binds. Defaults to 'server.address'.
	 */
	private @Nullable String host;

	/**
	 * Time that a QUIC connection can be idle before it is closed. Defaults to 30s.
	 */
	private @Nullable Duration idleTimeout;

	/**
	 * Maximum number of requests (bidirectional streams) a client may have open at once on one connection. Defaults
	 * to Jetty's.
	 */
	private @Nullable Long maxConcurrentStreams;

	/**
	 * Amount of request data a client may send on one connection before the server grants more (QUIC flow control).
	 * Defaults to 24MB.
	 */
	private @Nullable DataSize sessionReceiveWindow;

	/**
	 * Amount of request data a client may send on one request stream before the server grants more (QUIC flow
	 * control). Defaults to 16MB.
	 */
	private @Nullable DataSize streamReceiveWindow;

	/**
	 * Maximum size of a request's header fields over HTTP/3. Defaults to
	 * 'server.max-http-request-header-size'.
	 */
	private @Nullable DataSize maxRequestHeaderSize;

	/**
	 * Time that a request stream can be idle before it is reset. Defaults to 30s.
	 */
	private @Nullable Duration streamIdleTimeout;

	/**
	 * Directory where the TLS private key and certificate chain are exported as PEM files for Jetty's quiche binding
	 * (the 'jetty-quiche' transport only; the netty transport keeps them in memory). Defaults to a private temporary
	 * directory, created at start-up and deleted at shutdown.
	 */
	private @Nullable Path pemWorkDir;

	/**
	 * Size of the UDP socket's receive buffer to ask the operating system for. The operating system may grant less;
	 * a warning at start-up says so.
	 */
	private DataSize udpReceiveBufferSize = DataSize.ofBytes(Http3Setting.UDP_RECEIVE_BUFFER_SIZE.defaultValue());

	/**
	 * Size of the UDP socket's send buffer to ask the operating system for. The operating system may grant less; a
	 * warning at start-up says so.
	 */
	private DataSize udpSendBufferSize = DataSize.ofBytes(Http3Setting.UDP_SEND_BUFFER_SIZE.defaultValue());

	/**
	 * UDP sockets on the HTTP/3 port, each served by its own event loop thread (netty transport only). One socket
	 * processes QUIC packets on at most one core. Defaults to the transport's choice.
	 */
	private @Nullable Integer eventLoops;

	/**
	 * Alt-Svc advertisement configuration.
	 */
	private final AltSvc altSvc = new AltSvc();

	private final WebTransport webTransport = new WebTransport();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getTransport() {
		return this.transport;
	}

	public void setTransport(String transport) {
		this.transport = transport;
	}

	public @Nullable Integer getPort() {
		return this.port;
	}

	public void setPort(@Nullable Integer port) {
		this.port = port;
	}

	public @Nullable String getHost() {
		return this.host;
	}

	public void setHost(@Nullable String host) {
		this.host = host;
	}

	public @Nullable Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(@Nullable Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public @Nullable Long getMaxConcurrentStreams() {
		return this.maxConcurrentStreams;
	}

	public void setMaxConcurrentStreams(@Nullable Long maxConcurrentStreams) {
		this.maxConcurrentStreams = maxConcurrentStreams;
	}

	public @Nullable DataSize getSessionReceiveWindow() {
		return this.sessionReceiveWindow;
	}

	public void setSessionReceiveWindow(@Nullable DataSize sessionReceiveWindow) {
		this.sessionReceiveWindow = sessionReceiveWindow;
	}

	public @Nullable DataSize getStreamReceiveWindow() {
		return this.streamReceiveWindow;
	}

	public void setStreamReceiveWindow(@Nullable DataSize streamReceiveWindow) {
		this.streamReceiveWindow = streamReceiveWindow;
	}

	public @Nullable DataSize getMaxRequestHeaderSize() {
		return this.maxRequestHeaderSize;
	}

	public void setMaxRequestHeaderSize(@Nullable DataSize maxRequestHeaderSize) {
		this.maxRequestHeaderSize = maxRequestHeaderSize;
	}

	/**
	 * The former name of {@code max-request-header-size}.
	 * @return the maximum request header size
	 * @deprecated for removal in 0.2.0, use {@link #getMaxRequestHeaderSize()}
	 */
	@Deprecated(since = "0.1.0", forRemoval = true)
	@DeprecatedConfigurationProperty(replacement = "server.http3.max-request-header-size", since = "0.1.0")
	public @Nullable DataSize getMaxHeaderSize() {
		return this.maxRequestHeaderSize;
	}

	/**
	 * The former name of {@code max-request-header-size}.
	 * @param maxHeaderSize the maximum request header size
	 * @deprecated for removal in 0.2.0, use {@link #setMaxRequestHeaderSize(DataSize)}
	 */
	@Deprecated(since = "0.1.0", forRemoval = true)
	public void setMaxHeaderSize(@Nullable DataSize maxHeaderSize) {
		this.maxRequestHeaderSize = maxHeaderSize;
	}

	public @Nullable Duration getStreamIdleTimeout() {
		return this.streamIdleTimeout;
	}

	public void setStreamIdleTimeout(@Nullable Duration streamIdleTimeout) {
		this.streamIdleTimeout = streamIdleTimeout;
	}

	public @Nullable Path getPemWorkDir() {
		return this.pemWorkDir;
	}

	public void setPemWorkDir(@Nullable Path pemWorkDir) {
		this.pemWorkDir = pemWorkDir;
	}

	public DataSize getUdpReceiveBufferSize() {
		return this.udpReceiveBufferSize;
	}

	public void setUdpReceiveBufferSize(DataSize udpReceiveBufferSize) {
		this.udpReceiveBufferSize = udpReceiveBufferSize;
	}

	public DataSize getUdpSendBufferSize() {
		return this.udpSendBufferSize;
	}

	public void setUdpSendBufferSize(DataSize udpSendBufferSize) {
		this.udpSendBufferSize = udpSendBufferSize;
	}

	public @Nullable Integer getEventLoops() {
		return this.eventLoops;
	}

	public void setEventLoops(@Nullable Integer eventLoops) {
		this.eventLoops = eventLoops;
	}

	public AltSvc getAltSvc() {
		return this.altSvc;
	}

	public WebTransport getWebTransport() {
		return this.webTransport;
	}

	/**
	 * Alt-Svc properties: how HTTP/1.1 and HTTP/2 responses tell clients that HTTP/3 is available.
	 */
	public static class AltSvc {

		/**
		 * Whether HTTP/1.1 and HTTP/2 responses carry an 'Alt-Svc' header advertising the HTTP/3 listener.
		 */
		private boolean enabled = Http3Setting.ALT_SVC_ENABLED.defaultValue();

		/**
		 * How long clients may remember the advertisement ('ma' parameter).
		 */
		private Duration maxAge = Http3Setting.ALT_SVC_MAX_AGE.defaultValue();

		/**
		 * UDP port the advertisement names, when clients reach HTTP/3 through another port than the one it listens
		 * on (a load balancer's 443 in front of instances on 8443). Unset means the HTTP/3 listener's own port.
		 */
		private Integer port;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

		public Integer getPort() {
			return this.port;
		}

		public void setPort(Integer port) {
			this.port = port;
		}

	}

	/**
	 * WebTransport properties: sessions of many streams and datagrams for the endpoints the application registers.
	 */
	public static class WebTransport {

		/**
		 * Whether the HTTP/3 listener accepts WebTransport sessions (draft-02, as Chromium speaks it). The netty
		 * transport only.
		 */
		private boolean enabled = Http3Setting.WEB_TRANSPORT_ENABLED.defaultValue();

		/**
		 * WebTransport sessions one connection may have open at once; a CONNECT beyond them is answered 429.
		 */
		private int maxSessions = Http3Setting.WEB_TRANSPORT_MAX_SESSIONS.defaultValue();

		/**
		 * Streams the client may have open at once in one session; a stream beyond them is reset
		 * (H3_REQUEST_REJECTED).
		 */
		private int maxStreamsPerSession = Http3Setting.WEB_TRANSPORT_MAX_STREAMS_PER_SESSION.defaultValue();

		/**
		 * WebTransport datagrams queued at most: per connection in QUIC each way, and per session waiting for the
		 * handler; one beyond is dropped and counted (jetty.http3.webtransport.datagrams.dropped).
		 */
		private int datagramQueue = Http3Setting.WEB_TRANSPORT_DATAGRAM_QUEUE.defaultValue();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxSessions() {
			return this.maxSessions;
		}

		public void setMaxSessions(int maxSessions) {
			this.maxSessions = maxSessions;
		}

		public int getMaxStreamsPerSession() {
			return this.maxStreamsPerSession;
		}

		public void setMaxStreamsPerSession(int maxStreamsPerSession) {
			this.maxStreamsPerSession = maxStreamsPerSession;
		}

		public int getDatagramQueue() {
			return this.datagramQueue;
		}

		public void setDatagramQueue(int datagramQueue) {
			this.datagramQueue = datagramQueue;
		}

	}

}
