package dev.h3servlet.boot.autoconfigure;

import dev.h3servlet.connector.Http3Settings;
import org.eclipse.jetty.server.Server;

import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.util.Assert;

/**
 * {@link WebServerFactoryCustomizer} that adds an HTTP/3 listener to the embedded Jetty server, beside the TLS
 * connector Boot configured from {@code server.ssl.*}: it shares that connector's SSL context and
 * {@code HttpConfiguration}, and its port number unless {@link Http3Settings#port()} says otherwise. The servlet
 * context is wrapped in an {@link dev.h3servlet.servlet.Http3BridgeHandler}.
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
			Http3ServerInstaller.install(server, this.settings);
		}

	}

}
