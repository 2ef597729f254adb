package dev.h3servlet.connector.quiche;

import java.io.IOException;
import java.net.BindException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3ConnectorStatistics;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3StartupException;
import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.connector.internal.KeyStoreCheck;
import dev.h3servlet.connector.internal.Listeners;
import org.eclipse.jetty.http3.HTTP3Session;
import org.eclipse.jetty.http3.server.HTTP3ServerConnectionFactory;
import org.eclipse.jetty.http3.server.HTTP3ServerQuicConfiguration;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.quic.common.SessionContainer;
import org.eclipse.jetty.quic.common.StreamEndPoint;
import org.eclipse.jetty.quic.quiche.server.QuicheServerConnector;
import org.eclipse.jetty.quic.quiche.server.QuicheServerQuicConfiguration;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jetty-quiche transport: Jetty's QUIC connector ({@link QuicheServerConnector}) serving HTTP/3 beside a TLS (TCP)
 * connector whose {@link SslContextFactory.Server} and {@link HttpConfiguration} it shares.
 * <p>
 * Beyond Jetty's connector it binds the TLS connector's port number over UDP (unless a port is set), manages the PEM
 * work directory quiche needs, counts bytes, reaps silent peers, refuses connections once a graceful shutdown began,
 * and fails early with a message that names the fix when the quiche binding, the key store, the PEM directory or the
 * UDP port is not usable. Made by {@link QuicheConnectorProvider}.
 */
public final class QuicheHttp3Connector extends QuicheServerConnector implements Http3Connector {

	private static final Logger logger = LoggerFactory.getLogger(QuicheHttp3Connector.class);

	private final NetworkConnector tlsConnector;

	private final SslContextFactory.Server sslContextFactory;

	private final HTTP3ServerConnectionFactory http3ConnectionFactory;

	private final Http3Settings settings;

	private final PemWorkDirectory pemWorkDirectory;

	private final QuicheStatistics statistics = new QuicheStatistics();

	private final SilentPeerReaper reaper = new SilentPeerReaper(this.statistics);

	private volatile String binding;

	QuicheHttp3Connector(Server server, NetworkConnector tlsConnector, SslContextFactory.Server sslContextFactory,
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
		getServerQuicConfiguration().addEventListener(QuicheGracefulShutdown.refuseWhen(this::isShuttingDown));
		getServerQuicConfiguration().addEventListener(this.statistics.sessionListener());
	}

	/** Jetty's QUIC configuration with every QUIC setting applied: the one place they are. */
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

	@Override
	public Http3Transport getHttp3Transport() {
		return Http3Transport.JETTY_QUICHE;
	}

	@Override
	public Http3Settings getSettings() {
		return this.settings;
	}

	@Override
	public Http3ConnectorStatistics getStatistics() {
		return this.statistics;
	}

	@Override
	public NetworkConnector getTlsConnector() {
		return this.tlsConnector;
	}

	@Override
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
			setPort(Listeners.tlsPort(this.tlsConnector));
		}
		if (this.settings.host() == null) {
			setHost(this.tlsConnector.getHost());
		}
		try {
			super.open();
		}
		catch (IOException ex) {
			if (ex.getCause() instanceof BindException) {
				throw Listeners.bindFailure(getPort(), getHost(), ex);
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
			Listeners.warnIfSmaller(logger, "receive", channel.getOption(StandardSocketOptions.SO_RCVBUF),
					this.settings.udpReceiveBufferSize());
			Listeners.warnIfSmaller(logger, "send", channel.getOption(StandardSocketOptions.SO_SNDBUF),
					this.settings.udpSendBufferSize());
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

	@Override
	protected EndPoint newEndPoint(DatagramChannel channel, ManagedSelector selector, SelectionKey selectionKey) {
		return new CountingEndPoint(channel, selector, selectionKey, getScheduler(), this.statistics, this.reaper);
	}

	@Override
	protected void doStart() throws Exception {
		if (this.settings.webTransportEnabled()) {
			throw new Http3StartupException("WebTransport is enabled, and the jetty-quiche transport has no WebTransport "
					+ "(Jetty's HTTP/3 neither advertises it nor lets a CONNECT stream carry a session)",
					"Use the netty transport (the default), or disable WebTransport");
		}
		this.http3ConnectionFactory.getHTTP3Configuration().setMaxRequestHeadersSize(getMaxRequestHeaderSize());
		try {
			KeyStoreCheck.requireServerKey(this.sslContextFactory);
			getServerQuicConfiguration().setPemWorkDirectory(this.pemWorkDirectory.open());
			super.doStart();
			this.reaper.start(getScheduler(), getIdleTimeout());
		}
		catch (Exception | Error ex) {
			closeOnFailedStart(ex);
			throw ex;
		}
		Listeners.logStarted(logger, "jetty-quiche transport, quiche " + this.binding + " binding", getHost(),
				getLocalPort(), this.settings);
		if (this.settings.eventLoops() != null && this.settings.eventLoops() != 1) {
			logger.warn("HTTP/3: eventLoops={} is a netty transport setting; the jetty-quiche transport serves its "
					+ "one UDP socket on Jetty's selector, so it is ignored", this.settings.eventLoops());
		}
	}

	@Override
	protected void doStop() throws Exception {
		this.reaper.stop();
		try {
			QuicheGracefulShutdown.awaitClose(getBean(SessionContainer.class), getShutdownIdleTimeout());
			super.doStop();
		}
		finally {
			this.pemWorkDirectory.close();
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

	/**
	 * Whether a graceful shutdown has begun: Jetty's session container has sent GOAWAY to every QUIC session. The
	 * connector itself (its {@code isShutdown()}) reports it only once every session has ended.
	 */
	@Override
	public boolean isShuttingDown() {
		return QuicheGracefulShutdown.isShuttingDown(getBean(SessionContainer.class)) || isShutdown();
	}

	/**
	 * Sends a graceful GOAWAY on the request's HTTP/3 session, reached through public API only: the request's
	 * {@link StreamEndPoint}, its {@code ProtocolSession}, and the {@link HTTP3Session} that Jetty's server session
	 * registers as its bean.
	 */
	@Override
	public void closeGracefully(ConnectionMetaData connectionMetaData) {
		EndPoint endPoint = connectionMetaData.getConnection().getEndPoint();
		HTTP3Session session = (endPoint instanceof StreamEndPoint streamEndPoint)
				? streamEndPoint.getProtocolSession().getBean(HTTP3Session.class) : null;
		if (session == null) {
			logger.warn("Cannot close the HTTP/3 connection of {}: its HTTP/3 session is not reachable",
					connectionMetaData);
			return;
		}
		logger.debug("Closing {} gracefully: sending GOAWAY", session);
		session.goAway(true, Promise.Invocable.from(Promise.Invocable.InvocationType.NON_BLOCKING, (ignored) -> {
		}, (failure) -> logger.debug("GOAWAY failed on {}", session, failure)));
	}

}
