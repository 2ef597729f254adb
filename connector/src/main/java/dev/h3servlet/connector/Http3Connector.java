package dev.h3servlet.connector;

import java.io.IOException;
import java.net.BindException;
import java.net.StandardSocketOptions;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.http3.server.HTTP3ServerConnectionFactory;
import org.eclipse.jetty.http3.server.HTTP3ServerQuicConfiguration;
import org.eclipse.jetty.io.DatagramChannelEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.quic.api.Session;
import org.eclipse.jetty.quic.api.frames.ConnectionCloseFrame;
import org.eclipse.jetty.quic.common.SessionContainer;
import org.eclipse.jetty.quic.quiche.server.QuicheServerConnector;
import org.eclipse.jetty.quic.util.ErrorCode;
import org.eclipse.jetty.quic.quiche.server.QuicheServerQuicConfiguration;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's QUIC connector serving HTTP/3 beside a TLS (TCP) connector whose {@link SslContextFactory.Server} and
 * {@link HttpConfiguration} it shares.
 * <p>
 * At start it binds the TLS connector's port number over UDP (unless a port is set), manages the PEM work directory
 * quiche needs, and fails early with a message that names the fix when the quiche binding, the key store, the PEM
 * directory or the UDP port is not usable. Create it with {@link Http3Connectors#install}.
 */
public final class Http3Connector extends QuicheServerConnector {

	private static final Logger logger = LoggerFactory.getLogger(Http3Connector.class);

	private final NetworkConnector tlsConnector;

	private final SslContextFactory.Server sslContextFactory;

	private final HTTP3ServerConnectionFactory http3ConnectionFactory;

	private final Http3Settings settings;

	private final PemWorkDirectory pemWorkDirectory;

	private final Http3ConnectorStatistics statistics = new Http3ConnectorStatistics();

	private final SilentPeerReaper reaper = new SilentPeerReaper(this.statistics);

	private volatile String binding;

	Http3Connector(Server server, NetworkConnector tlsConnector, SslContextFactory.Server sslContextFactory,
			HTTP3ServerConnectionFactory http3ConnectionFactory, Http3Settings settings) {
		super(server, sslContextFactory, quicConfiguration(settings), http3ConnectionFactory);
		this.tlsConnector = tlsConnector;
		this.sslContextFactory = sslContextFactory;
		this.http3ConnectionFactory = http3ConnectionFactory;
		this.settings = settings;
		this.pemWorkDirectory = new PemWorkDirectory(settings.pemWorkDir());
		if (settings.idleTimeout() != null) {
			setIdleTimeout(settings.idleTimeout().toMillis());
		}
		if (settings.streamIdleTimeout() != null) {
			http3ConnectionFactory.getHTTP3Configuration().setStreamIdleTimeout(settings.streamIdleTimeout().toMillis());
		}
		if (settings.port() != null) {
			setPort(settings.port());
		}
		if (settings.host() != null) {
			setHost(settings.host());
		}
		getServerQuicConfiguration().addEventListener(new RefuseWhenShutDown());
		getServerQuicConfiguration().addEventListener(this.statistics.sessionListener());
	}

	private static QuicheServerQuicConfiguration quicConfiguration(Http3Settings settings) {
		QuicheServerQuicConfiguration quic = HTTP3ServerQuicConfiguration.configure(new QuicheServerQuicConfiguration());
		if (settings.maxConcurrentStreams() != null) {
			quic.setBidirectionalMaxStreams(settings.maxConcurrentStreams());
		}
		if (settings.sessionReceiveWindow() != null) {
			quic.setSessionMaxData(settings.sessionReceiveWindow());
		}
		if (settings.streamReceiveWindow() != null) {
			quic.setRemoteBidirectionalStreamMaxData(settings.streamReceiveWindow());
		}
		if (settings.streamIdleTimeout() != null) {
			quic.setStreamIdleTimeout(settings.streamIdleTimeout().toMillis());
		}
		return quic;
	}

	/** The settings this connector was made with. */
	public Http3Settings getSettings() {
		return this.settings;
	}

	/** Open QUIC connections, active request streams, handshake failures and UDP bytes of this connector. */
	public Http3ConnectorStatistics getStatistics() {
		return this.statistics;
	}

	/** The TLS (TCP) connector this one sits beside. */
	public NetworkConnector getTlsConnector() {
		return this.tlsConnector;
	}

	/** The {@code HttpConfiguration} shared with the TLS connector. */
	public HttpConfiguration getHttpConfiguration() {
		return this.http3ConnectionFactory.getHttpConfiguration();
	}

	/**
	 * Binds the UDP port. Jetty's {@code Server} opens every connector before starting any, in order, so the TLS
	 * connector added before this one is bound already and its port number can be followed.
	 */
	@Override
	public void open() throws IOException {
		if (isOpen()) {
			return;
		}
		this.binding = QuicheBindings.requireUsable();
		if (this.settings.port() == null) {
			setPort(tlsPort());
		}
		if (this.settings.host() == null) {
			setHost(this.tlsConnector.getHost());
		}
		try {
			super.open();
		}
		catch (IOException ex) {
			if (ex.getCause() instanceof BindException) {
				throw new IOException("HTTP/3 could not bind UDP port " + getPort() + " on " + describeHost(getHost())
						+ ": the port is already bound by another process or connector. Free it, or set the HTTP/3 "
						+ "port to another number (0 for any free port)", ex);
			}
			throw ex;
		}
	}

	/** Jetty's channel, with the socket buffers QUIC needs; warns when the OS grants less than asked. */
	@Override
	protected DatagramChannel openDatagramChannel() throws IOException {
		DatagramChannel channel = super.openDatagramChannel();
		try {
			channel.setOption(StandardSocketOptions.SO_RCVBUF, this.settings.udpReceiveBufferSize());
			channel.setOption(StandardSocketOptions.SO_SNDBUF, this.settings.udpSendBufferSize());
			warnIfSmaller("receive", channel.getOption(StandardSocketOptions.SO_RCVBUF),
					this.settings.udpReceiveBufferSize(), "net.core.rmem_max");
			warnIfSmaller("send", channel.getOption(StandardSocketOptions.SO_SNDBUF),
					this.settings.udpSendBufferSize(), "net.core.wmem_max");
		}
		catch (IOException | RuntimeException ex) {
			try {
				channel.close();
			}
			catch (IOException closeFailure) {
				ex.addSuppressed(closeFailure);
			}
			throw ex;
		}
		return channel;
	}

	/**
	 * Jetty's datagram end point, counting the UDP payload bytes received and sent for {@link #getStatistics()}, and
	 * noting when each peer was last heard from, for the {@link SilentPeerReaper}.
	 */
	@Override
	protected EndPoint newEndPoint(DatagramChannel channel, ManagedSelector selector, SelectionKey selectionKey) {
		return new CountingEndPoint(channel, selector, selectionKey, getScheduler(), this.statistics, this.reaper);
	}

	private static final class CountingEndPoint extends DatagramChannelEndPoint {

		private final Http3ConnectorStatistics statistics;

		private final SilentPeerReaper reaper;

		CountingEndPoint(DatagramChannel channel, ManagedSelector selector, SelectionKey selectionKey,
				Scheduler scheduler, Http3ConnectorStatistics statistics, SilentPeerReaper reaper) {
			super(channel, selector, selectionKey, scheduler);
			this.statistics = statistics;
			this.reaper = reaper;
		}

		@Override
		public SocketAddress receive(ByteBuffer buffer) throws IOException {
			int before = buffer.remaining();
			SocketAddress peer = super.receive(buffer);
			if (peer != null && peer != EOF) {
				this.statistics.received(buffer.remaining() - before);
				this.reaper.received(peer);
			}
			return peer;
		}

		@Override
		public boolean send(SocketAddress address, ByteBuffer... buffers) throws IOException {
			long before = remaining(buffers);
			try {
				return super.send(address, buffers);
			}
			finally {
				this.statistics.sent(before - remaining(buffers));
			}
		}

		private static long remaining(ByteBuffer... buffers) {
			long remaining = 0;
			for (ByteBuffer buffer : buffers) {
				remaining += buffer.remaining();
			}
			return remaining;
		}

	}

	private static void warnIfSmaller(String which, int granted, int requested, String sysctl) {
		// Linux reports twice what it grants for bookkeeping; half of the request is a clear shortfall.
		if (granted < requested / 2) {
			logger.warn("HTTP/3 UDP {} buffer is {} bytes, {} were asked for: QUIC will drop packets under load. "
					+ "Raise the OS limit (Linux: sysctl -w {}={}) or lower the setting", which, granted, requested,
					sysctl, requested);
		}
	}

	@Override
	protected void doStart() throws Exception {
		int maxHeaderSize = (this.settings.maxRequestHeaderSize() != null) ? this.settings.maxRequestHeaderSize()
				: getHttpConfiguration().getRequestHeaderSize();
		this.http3ConnectionFactory.getHTTP3Configuration().setMaxRequestHeadersSize(maxHeaderSize);
		try {
			checkKeyStore();
			getServerQuicConfiguration().setPemWorkDirectory(this.pemWorkDirectory.open());
			super.doStart();
			this.reaper.start(getScheduler(), getIdleTimeout());
		}
		catch (Exception | Error ex) {
			closeOnFailedStart(ex);
			throw ex;
		}
		logger.info("HTTP/3 (QUIC, quiche {} binding) listening on udp://{}:{}; {}", this.binding,
				describeHost(getHost()), getLocalPort(), describeAdvertising());
	}

	@Override
	protected void doStop() throws Exception {
		this.reaper.stop();
		try {
			awaitGracefulClose();
			super.doStop();
		}
		finally {
			this.pemWorkDirectory.close();
		}
	}

	/**
	 * When a graceful shutdown is under way, gives the QUIC connections that were sent GOAWAY up to the
	 * {@linkplain #getShutdownIdleTimeout() shutdown idle timeout} to end before the connector closes them. Spring
	 * Boot stops the connectors as soon as the last request has been handled, when its response may not have reached
	 * the client yet: closing the QUIC connection then would lose it. Jetty ends a connection once the client, having
	 * read its last response, answered the GOAWAY with its own.
	 */
	private void awaitGracefulClose() throws InterruptedException {
		SessionContainer sessions = getBean(SessionContainer.class);
		long timeout = getShutdownIdleTimeout();
		if (sessions == null || !sessions.isShutdown() || sessions.isEmpty() || timeout <= 0) {
			return;
		}
		try {
			sessions.shutdown().get(timeout, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			logger.debug("HTTP/3 graceful close failed", ex);
		}
		catch (TimeoutException ex) {
			logger.info("HTTP/3: {} QUIC connection(s) still open {} ms after GOAWAY; closing them", sessions.getSize(),
					timeout);
		}
	}

	/**
	 * Releases what {@link #open()} and the start got before failing. Jetty's {@code Server} then calls
	 * {@link #close()}, which leaves the UDP channel to be closed when the connector stops; but a connector that failed
	 * to start may never be stopped, and the port would stay bound for the life of the JVM.
	 */
	private void closeOnFailedStart(Throwable failure) {
		try {
			if (getTransport() instanceof DatagramChannel channel) {
				channel.close();
			}
		}
		catch (IOException | RuntimeException ex) {
			failure.addSuppressed(ex);
		}
		try {
			this.pemWorkDirectory.close();
		}
		catch (RuntimeException ex) {
			failure.addSuppressed(ex);
		}
	}

	private int tlsPort() {
		int port = this.tlsConnector.getLocalPort();
		if (port <= 0) {
			port = this.tlsConnector.getPort();
		}
		if (port <= 0) {
			throw new IllegalStateException("HTTP/3 follows the TLS connector's port, but " + this.tlsConnector
					+ " is not bound yet and has no fixed port: start it first, or set the HTTP/3 port");
		}
		return port;
	}

	private void checkKeyStore() throws KeyStoreException {
		KeyStore keyStore = this.sslContextFactory.getKeyStore();
		if (keyStore == null) {
			throw new IllegalStateException("HTTP/3 needs the TLS connector's key store, but its SslContextFactory "
					+ "has none loaded: configure a key store (keyStorePath) with a private key and certificate chain");
		}
		String alias = this.sslContextFactory.getCertAlias();
		if (alias != null) {
			if (!keyStore.containsAlias(alias)) {
				throw new IllegalStateException("HTTP/3: the key store has no entry named '" + alias
						+ "' (the SslContextFactory's certAlias); its entries are "
						+ Collections.list(keyStore.aliases()));
			}
			checkKeyEntry(keyStore, alias, "certAlias");
			return;
		}
		Set<String> aliases = this.sslContextFactory.getAliases();
		if (aliases.isEmpty()) {
			throw new IllegalStateException("HTTP/3: the key store holds no server certificate with a private key; "
					+ "add one (e.g. keytool -genkeypair) or point the TLS connector at a key store that has one");
		}
		// quiche gets the first alias Jetty knows of: it must be a private key entry.
		checkKeyEntry(keyStore, aliases.iterator().next(), "first alias");
	}

	private static void checkKeyEntry(KeyStore keyStore, String alias, String which) throws KeyStoreException {
		if (!keyStore.isKeyEntry(alias)) {
			throw new IllegalStateException("HTTP/3: key store entry '" + alias + "' (" + which
					+ ") holds a certificate but no private key, which QUIC needs to export to quiche: set the "
					+ "SslContextFactory's certAlias to a private key entry");
		}
	}

	private String describeAdvertising() {
		if (!this.settings.altSvcEnabled()) {
			return "not advertised (Alt-Svc disabled)";
		}
		return "advertised on HTTP/1.1 and HTTP/2 responses as Alt-Svc: h3=\":" + getLocalPort() + "\"; ma="
				+ this.settings.altSvcMaxAge().toSeconds();
	}

	/**
	 * Whether a graceful shutdown has begun: Jetty's session container has sent GOAWAY to every QUIC session. The
	 * connector itself (its {@code isShutdown()}) reports it only once every session has ended.
	 */
	public boolean isShuttingDown() {
		SessionContainer sessions = getBean(SessionContainer.class);
		return (sessions != null && sessions.isShutdown()) || isShutdown();
	}

	/**
	 * Refuses QUIC connections opened after a graceful shutdown began. Jetty's session container sends such a session
	 * a graceful GOAWAY, which still lets the client's first requests through; close it instead, with
	 * CONNECTION_REFUSED, so that new requests are refused while those in flight on older connections complete.
	 */
	private final class RefuseWhenShutDown implements Session.Listener, java.util.EventListener {

		@Override
		public void onOpen(Session session) {
			if (isShuttingDown()) {
				logger.debug("Refusing QUIC connection {} from {}: shutting down", session,
						session.getRemoteSocketAddress());
				session.disconnect(new ConnectionCloseFrame(ErrorCode.CONNECTION_REFUSED_ERROR.code(), "shutting_down"),
						null, Promise.Invocable.noop());
			}
		}

	}

	private static String describeHost(String host) {
		return (host != null) ? host : "*";
	}

}
