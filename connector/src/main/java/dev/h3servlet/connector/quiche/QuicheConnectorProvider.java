package dev.h3servlet.connector.quiche;

import java.util.List;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3ConnectorProvider;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3StartupException;
import dev.h3servlet.connector.Http3Transport;
import org.eclipse.jetty.http3.server.HTTP3ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Provides the jetty-quiche transport ({@link QuicheHttp3Connector}) when Jetty's HTTP/3 and quiche jars are present.
 * They are optional dependencies of h3servlet-connector, needed only by applications that choose this transport.
 */
public final class QuicheConnectorProvider implements Http3ConnectorProvider {

	/** A class of each jar the transport needs, with the jar's coordinates. */
	private static final List<String[]> REQUIRED = List.of(
			new String[] { "org.eclipse.jetty.http3.server.HTTP3ServerConnectionFactory",
					"org.eclipse.jetty.http3:jetty-http3-server" },
			new String[] { "org.eclipse.jetty.quic.quiche.server.QuicheServerConnector",
					"org.eclipse.jetty.quic:jetty-quic-quiche-server" });

	@Override
	public Http3Transport transport() {
		return Http3Transport.JETTY_QUICHE;
	}

	/** The one Jetty release whose HTTP/3 and quiche artifact set is complete on Maven Central. */
	static final String JETTY_VERSION = "12.1.5";

	@Override
	public Http3StartupException unavailable() {
		String jettyVersion = Server.getVersion();
		if (!JETTY_VERSION.equals(jettyVersion)) {
			return new Http3StartupException("The HTTP/3 transport 'jetty-quiche' cannot run: it needs Jetty "
					+ JETTY_VERSION + " (the only 12.1 release whose HTTP/3 and quiche jars are all on Maven Central), "
					+ "but this application runs Jetty " + jettyVersion, "Set every Jetty jar to " + JETTY_VERSION
							+ " (Maven property jetty.version), or use the netty transport, which runs on this Jetty");
		}
		ClassLoader classLoader = QuicheConnectorProvider.class.getClassLoader();
		for (String[] required : REQUIRED) {
			if (classLoader.getResource(required[0].replace('.', '/') + ".class") == null) {
				return new Http3StartupException(
						"The HTTP/3 transport 'jetty-quiche' cannot run: " + required[1] + " is missing",
						"Add " + required[1] + ", org.eclipse.jetty.quic:jetty-quic-quiche-jna (Java 17-21) and "
								+ "org.eclipse.jetty.quic:jetty-quic-quiche-foreign (Java 22+), all at Jetty "
								+ JETTY_VERSION + "; or use the netty transport, which needs none of them");
			}
		}
		return null;
	}

	@Override
	public Http3Connector newConnector(ServerConnector tlsConnector, SslContextFactory.Server sslContextFactory,
			HttpConfiguration httpConfiguration, Http3Settings settings) {
		allowKeyExport(sslContextFactory);
		return new QuicheHttp3Connector(tlsConnector.getServer(), tlsConnector, sslContextFactory,
				newHttp3ConnectionFactory(httpConfiguration), settings);
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

}
