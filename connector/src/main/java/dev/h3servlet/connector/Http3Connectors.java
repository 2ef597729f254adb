package dev.h3servlet.connector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;
import org.eclipse.jetty.http3.server.HTTP3ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds an HTTP/3 listener to a Jetty {@link Server} that already has a TLS connector.
 * <pre>{@code
 * Http3Connector h3 = Http3Connectors.install(server, Http3Settings.defaults());
 * server.start(); // h1 + h2 over TLS on TCP, h3 over QUIC on the same port number over UDP
 * }</pre>
 */
public final class Http3Connectors {

	private static final Logger logger = LoggerFactory.getLogger(Http3Connectors.class);

	private Http3Connectors() {
	}

	/**
	 * Adds an HTTP/3 connector beside the server's only TLS connector.
	 * @param server a server with exactly one {@link ServerConnector} that has an {@link SslConnectionFactory}
	 * @param settings the listener's settings
	 * @return the added connector, which starts with the server
	 * @throws IllegalStateException if the server has no TLS connector, or several
	 */
	public static Http3Connector install(Server server, Http3Settings settings) {
		Objects.requireNonNull(server, "server");
		List<ServerConnector> tlsConnectors = tlsConnectors(server);
		if (tlsConnectors.isEmpty()) {
			throw new IllegalStateException("HTTP/3 needs TLS, but the server has no TLS connector (a ServerConnector "
					+ "with an SslConnectionFactory); its connectors are " + Arrays.toString(server.getConnectors())
					+ ". Add one, or configure TLS (a key store) for the server");
		}
		if (tlsConnectors.size() > 1) {
			throw new IllegalStateException("The server has " + tlsConnectors.size() + " TLS connectors "
					+ tlsConnectors + ": name the one HTTP/3 shares its TLS and port with, "
					+ "with install(ServerConnector, Http3Settings)");
		}
		return install(tlsConnectors.get(0), settings);
	}

	/**
	 * The server's TLS connectors: its {@link ServerConnector}s that have an {@link SslConnectionFactory}.
	 * @param server a server
	 * @return its TLS connectors, in the server's order
	 */
	public static List<ServerConnector> tlsConnectors(Server server) {
		List<ServerConnector> tlsConnectors = new ArrayList<>();
		for (Connector connector : server.getConnectors()) {
			if (connector instanceof ServerConnector serverConnector
					&& serverConnector.getConnectionFactory(SslConnectionFactory.class) != null) {
				tlsConnectors.add(serverConnector);
			}
		}
		return tlsConnectors;
	}

	/**
	 * Adds an HTTP/3 connector beside the given TLS connector, sharing its {@link SslContextFactory.Server} and
	 * {@link HttpConfiguration}. In the configurations of its HTTP/1.1 and HTTP/2 factories, Jetty's
	 * {@code SecureRequestCustomizer} is replaced by an {@link Http3SecureRequestCustomizer} (the same for HTTP/1.1 and
	 * HTTP/2, complete TLS attributes for HTTP/3) and, when Alt-Svc is enabled, an {@link AltSvcCustomizer} is added.
	 * @param tlsConnector a connector of a server, with an {@link SslConnectionFactory} and an HTTP connection factory
	 * @param settings the listener's settings
	 * @return the added connector, which starts with the server, after the TLS connector
	 */
	public static Http3Connector install(ServerConnector tlsConnector, Http3Settings settings) {
		Objects.requireNonNull(tlsConnector, "tlsConnector");
		Objects.requireNonNull(settings, "settings");
		SslConnectionFactory ssl = tlsConnector.getConnectionFactory(SslConnectionFactory.class);
		if (ssl == null) {
			throw new IllegalStateException("HTTP/3 needs TLS, but " + tlsConnector
					+ " has no SslConnectionFactory: install HTTP/3 beside the server's TLS connector");
		}
		SslContextFactory.Server sslContextFactory = ssl.getSslContextFactory();
		allowKeyExport(sslContextFactory);
		List<HttpConfiguration> httpConfigurations = httpConfigurations(tlsConnector);
		boolean tlsAttributes = false;
		for (HttpConfiguration httpConfiguration : httpConfigurations) {
			tlsAttributes |= Http3SecureRequestCustomizer.install(httpConfiguration);
		}
		if (!tlsAttributes) {
			logger.info("{} has no plain SecureRequestCustomizer: HTTP/3 requests get Jetty's TLS attributes (no "
					+ "cipher suite, key size or session id)", tlsConnector);
		}
		HTTP3ServerConnectionFactory http3 = newHttp3ConnectionFactory(httpConfigurations.get(0));
		Http3Connector connector = new Http3Connector(tlsConnector.getServer(), tlsConnector, sslContextFactory, http3,
				settings);
		if (settings.altSvcEnabled()) {
			AltSvcCustomizer altSvc = new AltSvcCustomizer(connector::getLocalPort, settings.altSvcMaxAge());
			httpConfigurations.forEach((httpConfiguration) -> httpConfiguration.addCustomizer(altSvc));
		}
		tlsConnector.getServer().addConnector(connector);
		return connector;
	}

	/**
	 * A key store built in memory (a Spring Boot PEM SSL bundle, or any key store given to the factory as an object)
	 * may come with no password at all. Jetty's export of the key for quiche then fails with a
	 * {@code NullPointerException}: it asks for the key with the key manager or else the key store password. Such a
	 * key store returns its key for an empty password as for none, so give it that; TLS over TCP is unchanged.
	 */
	private static void allowKeyExport(SslContextFactory.Server sslContextFactory) {
		if (sslContextFactory.getKeyManagerPassword() == null && sslContextFactory.getKeyStorePassword() == null) {
			sslContextFactory.setKeyManagerPassword("");
		}
	}

	/**
	 * Jetty's factory adds its own Alt-Svc customizer to the configuration it is given: HTTP/2 only, no {@code ma},
	 * and the TCP port even when h3 listens elsewhere. Ours replaces it, so take back what the constructor added.
	 */
	private static HTTP3ServerConnectionFactory newHttp3ConnectionFactory(HttpConfiguration httpConfiguration) {
		List<HttpConfiguration.Customizer> before = List.copyOf(httpConfiguration.getCustomizers());
		HTTP3ServerConnectionFactory factory = new HTTP3ServerConnectionFactory(httpConfiguration);
		for (HttpConfiguration.Customizer customizer : List.copyOf(httpConfiguration.getCustomizers())) {
			if (!before.contains(customizer)) {
				httpConfiguration.removeCustomizer(customizer);
			}
		}
		return factory;
	}

	/**
	 * The distinct configurations of the TLS connector's HTTP/1.1 and HTTP/2 factories (usually one, shared); HTTP/3
	 * shares the first, and each advertises h3.
	 */
	private static List<HttpConfiguration> httpConfigurations(ServerConnector tlsConnector) {
		List<HttpConfiguration> configurations = new ArrayList<>();
		for (ConnectionFactory factory : tlsConnector.getConnectionFactories()) {
			HttpConfiguration configuration = null;
			if (factory instanceof HttpConfiguration.ConnectionFactory http) {
				configuration = http.getHttpConfiguration();
			}
			else if (factory instanceof AbstractHTTP2ServerConnectionFactory http2) {
				configuration = http2.getHttpConfiguration();
			}
			if (configuration != null && !containsSame(configurations, configuration)) {
				configurations.add(configuration);
			}
		}
		if (configurations.isEmpty()) {
			throw new IllegalStateException(tlsConnector + " has no HTTP connection factory (HTTP/1.1 or HTTP/2) "
					+ "whose HttpConfiguration HTTP/3 could share: add one");
		}
		return configurations;
	}

	private static boolean containsSame(List<HttpConfiguration> configurations, HttpConfiguration configuration) {
		return configurations.stream().anyMatch((known) -> known == configuration);
	}

}
