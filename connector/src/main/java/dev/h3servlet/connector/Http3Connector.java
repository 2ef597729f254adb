package dev.h3servlet.connector;

import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A running HTTP/3 listener of a Jetty {@code Server}, whichever {@link Http3Transport} carries it: a Jetty
 * {@link NetworkConnector} bound to a UDP port beside a TLS (TCP) connector whose {@link SslContextFactory.Server}
 * and {@link HttpConfiguration} it shares. Create it with {@link Http3Connectors#install}.
 * <p>
 * At start it binds the TLS connector's port number over UDP (unless a port is set) and fails early, with a message
 * that names the fix, when the transport, the key store or the UDP port is not usable.
 */
public interface Http3Connector extends NetworkConnector {

	/** The transport that turns this listener's datagrams into Jetty requests. */
	Http3Transport getHttp3Transport();

	/** The settings this connector was made with. */
	Http3Settings getSettings();

	/** Open QUIC connections, active request streams, handshake failures and UDP bytes of this connector. */
	Http3ConnectorStatistics getStatistics();

	/** The TLS (TCP) connector this one sits beside. */
	NetworkConnector getTlsConnector();

	/** The TLS configuration shared with the TLS connector. */
	SslContextFactory.Server getSslContextFactory();

	/** The {@code HttpConfiguration} shared with the TLS connector. */
	HttpConfiguration getHttpConfiguration();

	/**
	 * The largest request field section this listener accepts: {@link Http3Settings#maxRequestHeaderSize()}, else the
	 * {@code HttpConfiguration}'s request header size.
	 */
	default int getMaxRequestHeaderSize() {
		Integer configured = getSettings().maxRequestHeaderSize();
		return (configured != null) ? configured : getHttpConfiguration().getRequestHeaderSize();
	}

	/**
	 * Whether a graceful shutdown has begun: GOAWAY was sent on every QUIC connection and new connections and request
	 * streams are refused, while the requests in flight complete.
	 */
	boolean isShuttingDown();

	/**
	 * Closes the QUIC connection that carries a request gracefully, as an HTTP/1.1 server closes its connection after
	 * a response with {@code Connection: close}: a GOAWAY lets the streams in flight finish, then the connection
	 * ends.
	 * @param connectionMetaData the connection of an HTTP/3 request served by this connector
	 */
	void closeGracefully(ConnectionMetaData connectionMetaData);

}
