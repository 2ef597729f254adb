package dev.h3servlet.connector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.IntSupplier;

import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;
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

	/** Jetty's HTTP/2 Alt-Svc customizer, in jetty-http2-server 12.1.10 and later. */
	private static final String JETTY_HTTP2_ALT_SVC = "org.eclipse.jetty.http2.server."
			+ "HTTP2ServerConnectionFactory$AltSvcCustomizer";

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
			throw new Http3StartupException("HTTP/3 needs TLS, but the server has no TLS connector (a ServerConnector "
					+ "with an SslConnectionFactory); its connectors are " + Arrays.toString(server.getConnectors()),
					"Add one, or configure TLS (a key store) for the server");
		}
		if (tlsConnectors.size() > 1) {
			throw new Http3StartupException("The server has " + tlsConnectors.size() + " TLS connectors "
					+ tlsConnectors + ", and HTTP/3 shares the TLS and port of one",
					"Name that one with install(ServerConnector, Http3Settings)");
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
	 * Jetty's own HTTP/2 Alt-Svc customizer (jetty-http2-server 12.1.10 and later add one to every HTTP/2 factory, naming
	 * any {@code h3} connector's local port without {@code ma}) is removed, so that responses carry one advertisement,
	 * the one the settings describe (or none when Alt-Svc is disabled).
	 * @param tlsConnector a connector of a server, with an {@link SslConnectionFactory} and an HTTP connection factory
	 * @param settings the listener's settings
	 * @return the added connector, which starts with the server, after the TLS connector
	 */
	public static Http3Connector install(ServerConnector tlsConnector, Http3Settings settings) {
		Objects.requireNonNull(tlsConnector, "tlsConnector");
		Objects.requireNonNull(settings, "settings");
		SslConnectionFactory ssl = tlsConnector.getConnectionFactory(SslConnectionFactory.class);
		if (ssl == null) {
			throw new Http3StartupException("HTTP/3 needs TLS, but " + tlsConnector + " has no SslConnectionFactory",
					"Install HTTP/3 beside the server's TLS connector");
		}
		Http3ConnectorProvider provider = provider(settings.transport());
		List<HttpConfiguration> httpConfigurations = httpConfigurations(tlsConnector);
		boolean tlsAttributes = false;
		for (HttpConfiguration httpConfiguration : httpConfigurations) {
			tlsAttributes |= Http3SecureRequestCustomizer.install(httpConfiguration);
			removeJettysHttp2AltSvc(httpConfiguration);
		}
		if (!tlsAttributes) {
			logger.info("{} has no plain SecureRequestCustomizer: HTTP/3 requests get Jetty's TLS attributes (no "
					+ "cipher suite, key size or session id)", tlsConnector);
		}
		Http3Connector connector = provider.newConnector(tlsConnector, ssl.getSslContextFactory(),
				httpConfigurations.get(0), settings);
		if (settings.altSvcEnabled()) {
			AltSvcCustomizer altSvc = new AltSvcCustomizer(advertisedPort(connector, settings.altSvcPort()),
					settings.altSvcMaxAge());
			httpConfigurations.forEach((httpConfiguration) -> httpConfiguration.addCustomizer(altSvc));
		}
		tlsConnector.getServer().addConnector(connector);
		return connector;
	}

	/**
	 * Removes the customizer that jetty-http2-server 12.1.10 and later add to the configuration of every HTTP/2 factory:
	 * it advertises the local port of any connector speaking {@code h3} (ours), beside or against the advertisement
	 * the settings describe (another port behind a load balancer, another {@code ma}, or none). Matched by name: older
	 * Jetty versions have no such class.
	 */
	private static void removeJettysHttp2AltSvc(HttpConfiguration configuration) {
		List<HttpConfiguration.Customizer> customizers = configuration.getCustomizers();
		List<HttpConfiguration.Customizer> kept = customizers.stream()
			.filter((customizer) -> !customizer.getClass().getName().equals(JETTY_HTTP2_ALT_SVC))
			.toList();
		if (kept.size() != customizers.size()) {
			configuration.setCustomizers(new ArrayList<>(kept));
			logger.debug("Removed Jetty's HTTP/2 Alt-Svc customizer from {}: h3servlet advertises HTTP/3", configuration);
		}
	}

	/**
	 * The port Alt-Svc names: the listener's own, or the one the settings give (a load balancer's); either only once
	 * the listener is bound, so that nothing is advertised that does not answer yet.
	 */
	private static IntSupplier advertisedPort(Http3Connector connector, Integer altSvcPort) {
		if (altSvcPort == null) {
			return connector::getLocalPort;
		}
		return () -> (connector.getLocalPort() > 0) ? altSvcPort : -1;
	}

	/**
	 * The provider of a transport, found with {@link ServiceLoader} in this library's class loader.
	 * @throws IllegalStateException naming what to add when the transport's libraries are missing
	 */
	static Http3ConnectorProvider provider(Http3Transport transport) {
		ServiceLoader<Http3ConnectorProvider> providers = ServiceLoader.load(Http3ConnectorProvider.class,
				Http3ConnectorProvider.class.getClassLoader());
		for (Http3ConnectorProvider provider : providers) {
			if (provider.transport() == transport) {
				Http3StartupException unavailable = provider.unavailable();
				if (unavailable != null) {
					throw unavailable;
				}
				return provider;
			}
		}
		throw new Http3StartupException("No provider of the HTTP/3 transport '" + transport.id() + "' on the class "
				+ "path: h3servlet-connector's META-INF/services entry for " + Http3ConnectorProvider.class.getName()
				+ " is missing", "Keep META-INF/services files when repackaging h3servlet-connector's jar");
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
			throw new Http3StartupException(tlsConnector + " has no HTTP connection factory (HTTP/1.1 or HTTP/2) "
					+ "whose HttpConfiguration HTTP/3 could share", "Add one");
		}
		return configurations;
	}

	private static boolean containsSame(List<HttpConfiguration> configurations, HttpConfiguration configuration) {
		return configurations.stream().anyMatch((known) -> known == configuration);
	}

}
