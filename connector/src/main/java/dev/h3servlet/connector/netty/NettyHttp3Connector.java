package dev.h3servlet.connector.netty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3ConnectorStatistics;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.connector.internal.Listeners;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http3.DefaultHttp3SettingsFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.http3.Http3SettingsFrame;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The netty transport: a Jetty connector whose UDP socket is a Netty datagram channel carrying Netty's QUIC and HTTP/3
 * codecs (quiche and BoringSSL through JNI). Each request stream becomes a Jetty request through a
 * {@link NettyHttpStream}, handled by the same {@code Server}, {@link HttpConfiguration}, customizers and handlers as
 * the TLS connector's HTTP/1.1 and HTTP/2 requests. Only Jetty's core server API is used.
 * <p>
 * TLS comes from the TLS connector's key store, in memory. Clients prove their address with Retry tokens signed by a
 * key drawn at start ({@link RetryTokens}). A graceful {@link #shutdown()} sends GOAWAY on every connection, refuses
 * new streams and connections, and closes each connection once its requests are done. Made by
 * {@link NettyConnectorProvider}.
 */
public final class NettyHttp3Connector extends AbstractNetworkConnector implements Http3Connector {

	private static final Logger logger = LoggerFactory.getLogger(NettyHttp3Connector.class);

	/** Concurrent request streams per connection unless set: as many as Jetty's HTTP/2 default, twice over. */
	static final long DEFAULT_MAX_STREAMS = 256;

	/** UDP sockets, each on its own event loop, unless set. */
	static final int DEFAULT_EVENT_LOOPS = 1;

	/** Connection receive window unless set: Jetty's HTTP/3 default. */
	static final long DEFAULT_SESSION_WINDOW = 24 * 1024 * 1024;

	/** Stream receive window unless set: Jetty's HTTP/3 default. */
	static final long DEFAULT_STREAM_WINDOW = 16 * 1024 * 1024;

	/** Stream idle timeout unless set: Jetty's HTTP/3 default. */
	static final long DEFAULT_STREAM_IDLE_TIMEOUT_MILLIS = 30_000;

	/** Receive window of the client's control and QPACK streams. */
	private static final long UNIDIRECTIONAL_WINDOW = 1024 * 1024;

	/** Unidirectional streams a client may open: its control and QPACK streams and some for reserved types. */
	private static final long MAX_UNIDIRECTIONAL_STREAMS = 100;

	private final NetworkConnector tlsConnector;

	private final SslContextFactory.Server sslContextFactory;

	private final HttpConfiguration httpConfiguration;

	private final Http3Settings settings;

	private final NettyStatistics statistics = new NettyStatistics();

	private final Set<QuicConnection> connections = ConcurrentHashMap.newKeySet();

	private final RetryTokens retryTokens;

	private final CompletableFuture<Void> shutdownDone = new CompletableFuture<>();

	private volatile UdpSockets sockets;

	private volatile int localPort = -1;

	private volatile boolean shuttingDown;

	NettyHttp3Connector(Server server, NetworkConnector tlsConnector, SslContextFactory.Server sslContextFactory,
			HttpConfiguration httpConfiguration, Http3Settings settings) {
		this(server, tlsConnector, sslContextFactory, httpConfiguration, settings,
				new RetryTokens(RetryTokens.DEFAULT_LIFETIME, Clock.systemUTC()));
	}

	NettyHttp3Connector(Server server, NetworkConnector tlsConnector, SslContextFactory.Server sslContextFactory,
			HttpConfiguration httpConfiguration, Http3Settings settings, RetryTokens retryTokens) {
		super(server, null, null, null, 0, new Http3Protocol());
		this.tlsConnector = tlsConnector;
		this.sslContextFactory = sslContextFactory;
		this.httpConfiguration = httpConfiguration;
		this.settings = settings;
		this.retryTokens = retryTokens;
		if (settings.idleTimeout() != null) {
			setIdleTimeout(settings.idleTimeout().toMillis());
		}
		if (settings.port() != null) {
			setPort(settings.port());
		}
		if (settings.host() != null) {
			setHost(settings.host());
		}
	}

	@Override
	public Http3Transport getHttp3Transport() {
		return Http3Transport.NETTY;
	}

	@Override
	public Http3Settings getSettings() {
		return this.settings;
	}

	@Override
	public Http3ConnectorStatistics getStatistics() {
		return this.statistics;
	}

	NettyStatistics statistics() {
		return this.statistics;
	}

	/** Retry tokens refused so far (forged, expired, or from another address). */
	long getRejectedRetryTokens() {
		return this.retryTokens.rejected();
	}

	@Override
	public NetworkConnector getTlsConnector() {
		return this.tlsConnector;
	}

	@Override
	public SslContextFactory.Server getSslContextFactory() {
		return this.sslContextFactory;
	}

	@Override
	public HttpConfiguration getHttpConfiguration() {
		return this.httpConfiguration;
	}

	/** UDP sockets (and event loops): the setting, else {@link #DEFAULT_EVENT_LOOPS}. */
	int eventLoops() {
		return (this.settings.eventLoops() != null) ? this.settings.eventLoops() : DEFAULT_EVENT_LOOPS;
	}

	long streamIdleTimeoutMillis() {
		return (this.settings.streamIdleTimeout() != null) ? this.settings.streamIdleTimeout().toMillis()
				: DEFAULT_STREAM_IDLE_TIMEOUT_MILLIS;
	}

	/**
	 * Binds the UDP port. Jetty's {@code Server} opens every connector before starting any, in order, so the TLS
	 * connector added before this one is bound already and its port number can be followed.
	 */
	@Override
	public void open() throws IOException {
		if (this.sockets != null) {
			return;
		}
		NativeQuic.requireAvailable();
		int port = (this.settings.port() != null) ? this.settings.port() : Listeners.tlsPort(this.tlsConnector);
		String host = (this.settings.host() != null) ? this.settings.host() : this.tlsConnector.getHost();
		setPort(port);
		setHost(host);
		// epoll where it loads (Netty's -Dio.netty.transport.noNative=true turns it off), GSO where the kernel offers
		// it; GRO stays off (not measured yet).
		UdpSockets.Options options = new UdpSockets.Options(eventLoops(), true, true, false,
				this.settings.udpReceiveBufferSize(), this.settings.udpSendBufferSize());
		try {
			UdpSockets sockets = UdpSockets.bind(
					(host != null) ? new InetSocketAddress(host, port) : new InetSocketAddress(port), options,
					new DatagramCounter(this.statistics));
			Channel channel = sockets.channels().get(0);
			Listeners.warnIfSmaller(logger, "receive", channel.config().getOption(ChannelOption.SO_RCVBUF),
					this.settings.udpReceiveBufferSize());
			Listeners.warnIfSmaller(logger, "send", channel.config().getOption(ChannelOption.SO_SNDBUF),
					this.settings.udpSendBufferSize());
			this.sockets = sockets;
			this.localPort = sockets.localPort();
		}
		catch (Exception ex) {
			// Netty rethrows the bind's checked exception as it is.
			if (Listeners.isBindFailure(ex)) {
				throw Listeners.bindFailure(port, host, ex);
			}
			throw new IOException("HTTP/3 could not open UDP port " + port + " on " + Listeners.describeHost(host), ex);
		}
		super.open();
	}

	@Override
	protected void doStart() throws Exception {
		try {
			open();
			QuicSslContext sslContext = QuicTls.serverContext(this.sslContextFactory);
			this.sockets.addCodec(quicCodec(sslContext));
			super.doStart();
		}
		catch (Exception | Error ex) {
			closeOnFailedStart(ex);
			throw ex;
		}
		Listeners.logStarted(logger, "netty transport", getHost(), this.localPort, this.settings,
				this.sockets.describe());
	}

	/** Netty's QUIC server codec with every QUIC setting applied: the one place they are. */
	private QuicServerCodecBuilder quicCodec(QuicSslContext sslContext) {
		long streamWindow = valueOr(this.settings.streamReceiveWindow(), DEFAULT_STREAM_WINDOW);
		QuicServerCodecBuilder codec = Http3.newQuicServerCodecBuilder();
		if (webTransportEnabled()) {
			// The max_datagram_frame_size transport parameter, without which a browser has no WebTransport datagrams.
			// quiche queues this many datagrams each way per connection; more are dropped.
			int queue = this.settings.webTransportDatagramQueue();
			codec.datagram(queue, queue);
		}
		return codec
			.sslContext(sslContext)
			.maxIdleTimeout(getIdleTimeout(), TimeUnit.MILLISECONDS)
			.initialMaxData(valueOr(this.settings.sessionReceiveWindow(), DEFAULT_SESSION_WINDOW))
			.initialMaxStreamDataBidirectionalRemote(streamWindow)
			.initialMaxStreamDataBidirectionalLocal(streamWindow)
			.initialMaxStreamDataUnidirectional(UNIDIRECTIONAL_WINDOW)
			.initialMaxStreamsBidirectional(valueOr(this.settings.maxConcurrentStreams(), DEFAULT_MAX_STREAMS))
			.initialMaxStreamsUnidirectional(MAX_UNIDIRECTIONAL_STREAMS)
			.tokenHandler(this.retryTokens)
			.handler(new ChannelInitializer<QuicChannel>() {

				@Override
				protected void initChannel(QuicChannel quicChannel) {
					initConnection(quicChannel);
				}

			});
	}

	private void initConnection(QuicChannel quicChannel) {
		if (this.shuttingDown || !isRunning()) {
			logger.debug("Refusing QUIC connection from {}: shutting down", quicChannel.remoteSocketAddress());
			// CONNECTION_REFUSED (RFC 9000 20.1), a transport error.
			quicChannel.close(false, 0x2, Unpooled.EMPTY_BUFFER);
			return;
		}
		QuicConnection connection = new QuicConnection(this, quicChannel);
		this.connections.add(connection);
		quicChannel.pipeline().addLast(connection, new Http3ServerConnectionHandler(connection.requestStreams(),
				ControlStreamGuard.INSTANCE, connection::unknownUnidirectionalStream, localSettings(), true,
				(id, value) -> true), UnidirectionalStreamGuard.INSTALLER);
	}

	/**
	 * The SETTINGS sent to clients: no QPACK dynamic table, and a field section limit with room above the configured
	 * header size. Netty's decoder closes the whole connection (H3_EXCESSIVE_LOAD) on a field section above the limit it
	 * is given; within the room, {@link NettyHttpStream} answers that one request with 431 instead.
	 */
	private Http3SettingsFrame localSettings() {
		// Netty drops (silently) a setting its validator does not accept; the default validator accepts none of the
		// ones it does not know, such as WebTransport's.
		io.netty.handler.codec.http3.Http3Settings settings = new io.netty.handler.codec.http3.Http3Settings(
				(id, value) -> id == WebTransportWire.SETTINGS_ENABLE_WEBTRANSPORT);
		settings.put(Http3SettingsFrame.HTTP3_SETTINGS_MAX_FIELD_SECTION_SIZE, fieldSectionHardLimit());
		settings.put(Http3SettingsFrame.HTTP3_SETTINGS_QPACK_MAX_TABLE_CAPACITY, 0L);
		settings.put(Http3SettingsFrame.HTTP3_SETTINGS_QPACK_BLOCKED_STREAMS, 0L);
		if (webTransportEnabled()) {
			// WebTransport draft-02 as Chromium speaks it: extended CONNECT (RFC 9220), HTTP datagrams (RFC 9297),
			// and SETTINGS_ENABLE_WEBTRANSPORT; not draft-07's setting, which a browser would then prefer.
			settings.enableConnectProtocol(true);
			settings.enableH3Datagram(true);
			settings.put(WebTransportWire.SETTINGS_ENABLE_WEBTRANSPORT, 1L);
		}
		return new DefaultHttp3SettingsFrame(settings);
	}

	/** Whether WebTransport sessions are accepted ({@code Http3Settings.webTransportEnabled()}). */
	boolean webTransportEnabled() {
		return this.settings.webTransportEnabled();
	}

	int webTransportMaxSessions() {
		return this.settings.webTransportMaxSessions();
	}

	int webTransportMaxStreamsPerSession() {
		return this.settings.webTransportMaxStreamsPerSession();
	}

	int webTransportDatagramQueue() {
		return this.settings.webTransportDatagramQueue();
	}

	long fieldSectionHardLimit() {
		long limit = getMaxRequestHeaderSize();
		return Math.max(2 * limit, limit + 16 * 1024);
	}

	void connectionClosed(QuicConnection connection) {
		this.connections.remove(connection);
		if (this.shuttingDown && this.connections.isEmpty()) {
			this.shutdownDone.complete(null);
		}
	}

	/**
	 * Starts a graceful shutdown: GOAWAY on every connection, new connections and streams refused; each connection
	 * closes once the requests it had are complete. The UDP socket stays open until the connector stops.
	 * @return completed when every QUIC connection has closed
	 */
	@Override
	public CompletableFuture<Void> shutdown() {
		this.shuttingDown = true;
		this.connections.forEach(QuicConnection::goAway);
		if (this.connections.isEmpty()) {
			this.shutdownDone.complete(null);
		}
		return this.shutdownDone;
	}

	@Override
	public boolean isShutdown() {
		return this.shuttingDown && this.connections.isEmpty();
	}

	@Override
	public boolean isShuttingDown() {
		return this.shuttingDown;
	}

	@Override
	public void closeGracefully(ConnectionMetaData connectionMetaData) {
		QuicConnection connection = NettyHttpStream.quicConnection(connectionMetaData);
		if (connection == null) {
			logger.warn("Cannot close the HTTP/3 connection of {}: not a request of this connector",
					connectionMetaData);
			return;
		}
		connection.goAway();
	}

	@Override
	protected void doStop() throws Exception {
		if (this.shuttingDown && !this.connections.isEmpty() && getShutdownIdleTimeout() > 0) {
			awaitConnections(getShutdownIdleTimeout());
		}
		if (!this.connections.isEmpty()) {
			logger.debug("Closing {} QUIC connection(s)", this.connections.size());
			this.connections.forEach(QuicConnection::close);
			awaitConnections(1000);
		}
		try {
			super.doStop();
		}
		finally {
			shutdownGroup();
		}
	}

	private void awaitConnections(long timeoutMillis) throws InterruptedException {
		CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
			while (!this.connections.isEmpty()) {
				Thread.onSpinWait();
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		});
		try {
			closed.get(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			logger.debug("Waiting for QUIC connections to close failed", ex);
		}
		catch (TimeoutException ex) {
			closed.cancel(true);
			logger.info("HTTP/3: {} QUIC connection(s) still open after {} ms; closing them",
					this.connections.size(), timeoutMillis);
		}
	}

	@Override
	public void close() {
		UdpSockets sockets = this.sockets;
		if (sockets != null) {
			sockets.close();
		}
		super.close();
	}

	private void closeOnFailedStart(Throwable failure) {
		try {
			close();
		}
		catch (RuntimeException ex) {
			failure.addSuppressed(ex);
		}
		shutdownGroup();
	}

	private void shutdownGroup() {
		UdpSockets sockets = this.sockets;
		this.sockets = null;
		this.localPort = -1;
		if (sockets != null) {
			sockets.shutdown();
		}
	}

	@Override
	public boolean isOpen() {
		UdpSockets sockets = this.sockets;
		return sockets != null && sockets.isOpen();
	}

	@Override
	public int getLocalPort() {
		return this.localPort;
	}

	@Override
	public Object getTransport() {
		UdpSockets sockets = this.sockets;
		return (sockets != null) ? sockets.channels().get(0) : null;
	}

	/** The UDP sockets while open (one per event loop), else none. */
	List<Channel> sockets() {
		UdpSockets sockets = this.sockets;
		return (sockets != null) ? sockets.channels() : List.of();
	}

	@Override
	protected void accept(int acceptorID) {
		throw new UnsupportedOperationException("A QUIC connector has no acceptors");
	}

	private static long valueOr(Long value, long defaultValue) {
		return (value != null) ? value : defaultValue;
	}

	@Override
	public String toString() {
		return String.format("%s@%x{h3, netty, %s:%d}", getClass().getSimpleName(), hashCode(),
				Listeners.describeHost(getHost()), getLocalPort());
	}

	/**
	 * The protocol a Jetty connector must name: {@code h3}. Requests never come through a Jetty {@code Connection}
	 * made by it; {@link NettyHttpStream}s feed Jetty's {@code HttpChannel} directly.
	 */
	private static final class Http3Protocol extends AbstractConnectionFactory {

		Http3Protocol() {
			super("h3");
		}

		@Override
		public org.eclipse.jetty.io.Connection newConnection(Connector connector, EndPoint endPoint) {
			throw new UnsupportedOperationException("HTTP/3 connections are made by Netty's QUIC codec");
		}

	}

}
