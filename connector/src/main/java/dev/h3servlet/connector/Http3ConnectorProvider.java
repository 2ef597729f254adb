package dev.h3servlet.connector;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Makes the {@link Http3Connector} of one {@link Http3Transport}; found with {@link java.util.ServiceLoader}, so that a
 * transport whose libraries are absent costs nothing until it is chosen. {@link Http3Connectors#install} is the way in.
 */
public interface Http3ConnectorProvider {

	/** The transport this provider makes connectors for. */
	Http3Transport transport();

	/**
	 * Why this transport cannot run here (a missing library, named with its Maven coordinates) and what to do, or
	 * {@code null} when it can.
	 */
	Http3StartupException unavailable();

	/**
	 * A connector for the server of the given TLS connector, not yet added to it.
	 * @param tlsConnector the TLS connector whose port, TLS and configuration the new one shares
	 * @param sslContextFactory the TLS connector's TLS configuration
	 * @param httpConfiguration the configuration HTTP/3 requests are handled with
	 * @param settings the listener's settings
	 * @return the new connector
	 */
	Http3Connector newConnector(ServerConnector tlsConnector, SslContextFactory.Server sslContextFactory,
			HttpConfiguration httpConfiguration, Http3Settings settings);

}
