package dev.h3servlet.boot;

import java.util.List;

import dev.h3servlet.connector.Http3Connectors;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.servlet.Http3BridgeHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.util.Assert;

/**
 * {@link WebServerFactoryCustomizer} that adds an HTTP/3 listener to the embedded Jetty server, beside the TLS
 * connector Boot configured from {@code server.ssl.*}: it shares that connector's SSL context and
 * {@code HttpConfiguration}, and its port number unless {@link Http3Settings#port()} says otherwise. The servlet
 * context is wrapped in an {@link Http3BridgeHandler}.
 *
 * @see Http3AutoConfiguration
 */
public final class Http3WebServerFactoryCustomizer implements WebServerFactoryCustomizer<JettyServletWebServerFactory> {

	private final Http3Settings settings;

	/**
	 * Create a new customizer.
	 * @param settings the settings of the HTTP/3 listener
	 */
	public Http3WebServerFactoryCustomizer(Http3Settings settings) {
		Assert.notNull(settings, "'settings' must not be null");
		this.settings = settings;
	}

	@Override
	public void customize(JettyServletWebServerFactory factory) {
		factory.addServerCustomizers(new Http3ServerCustomizer(this.settings));
	}

	/**
	 * Adds the HTTP/3 connector and the bridge to a server Boot has finished building (TLS included).
	 */
	private record Http3ServerCustomizer(Http3Settings settings) implements JettyServerCustomizer {

		@Override
		public void customize(Server server) {
			JettyVersions.assertAligned(server.getClass().getClassLoader());
			ServerConnector tlsConnector = findTlsConnector(server);
			Http3Connectors.install(tlsConnector, this.settings);
			server.setHandler(new Http3BridgeHandler(server.getHandler()));
		}

		private static ServerConnector findTlsConnector(Server server) {
			List<ServerConnector> tlsConnectors = Http3Connectors.tlsConnectors(server);
			if (tlsConnectors.isEmpty()) {
				throw new IllegalStateException("HTTP/3 requires TLS, but the embedded Jetty server has no TLS "
						+ "connector. Configure SSL with 'server.ssl.bundle' (a JKS, PKCS12 or PEM SSL bundle) or "
						+ "'server.ssl.key-store' (with 'server.ssl.key-store-password'), or set "
						+ "'server.http3.enabled=false'");
			}
			if (tlsConnectors.size() > 1) {
				throw new IllegalStateException("HTTP/3 shares the TLS connector's SSL context and port, but the "
						+ "embedded Jetty server has " + tlsConnectors.size() + " TLS connectors: " + tlsConnectors
						+ ". Leave one, or define your own Http3WebServerFactoryCustomizer bean");
			}
			return tlsConnectors.get(0);
		}

	}

}
