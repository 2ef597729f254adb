package dev.h3servlet.boot.autoconfigure;

import java.util.List;

import dev.h3servlet.connector.Http3Connectors;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3StartupException;
import dev.h3servlet.servlet.Http3BridgeHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Adds the HTTP/3 listener to an embedded Jetty server that Spring Boot has finished building (TLS included): beside
 * the one TLS connector, sharing its SSL context, {@code HttpConfiguration} and port, with the servlet context wrapped
 * in an {@link Http3BridgeHandler}. Each Boot generation's {@code JettyServerCustomizer} calls it.
 */
final class Http3ServerInstaller {

	private Http3ServerInstaller() {
	}

	/**
	 * Installs HTTP/3 on the server.
	 * @param server the server Boot built
	 * @param settings the listener's settings
	 * @throws Http3StartupException naming the property to set when the server has no TLS connector, or several
	 */
	static void install(Server server, Http3Settings settings) {
		JettyVersions.assertAligned(server.getClass().getClassLoader());
		ServerConnector tlsConnector = findTlsConnector(server);
		Http3Connectors.install(tlsConnector, settings);
		server.setHandler(new Http3BridgeHandler(server.getHandler()));
	}

	private static ServerConnector findTlsConnector(Server server) {
		List<ServerConnector> tlsConnectors = Http3Connectors.tlsConnectors(server);
		if (tlsConnectors.isEmpty()) {
			throw new Http3StartupException("HTTP/3 requires TLS, but the embedded Jetty server has no TLS "
					+ "connector", "Configure SSL with 'server.ssl.bundle' (a JKS, PKCS12 or PEM SSL bundle) or "
					+ "'server.ssl.key-store' (with 'server.ssl.key-store-password'), or set "
					+ "'server.http3.enabled=false'");
		}
		if (tlsConnectors.size() > 1) {
			throw new Http3StartupException("HTTP/3 shares the TLS connector's SSL context and port, but the "
					+ "embedded Jetty server has " + tlsConnectors.size() + " TLS connectors: " + tlsConnectors,
					"Leave one, or define your own Http3WebServerFactoryCustomizer bean");
		}
		return tlsConnectors.get(0);
	}

}
