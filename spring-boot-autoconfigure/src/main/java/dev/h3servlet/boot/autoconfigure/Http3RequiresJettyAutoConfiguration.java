package dev.h3servlet.boot.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration that fails the start-up of a servlet web application with {@code server.http3.enabled=true}
 * whose embedded server is not Jetty (Tomcat, Boot's default, or Undertow), and says how to switch to Jetty. It
 * needs no Jetty class, so that it also applies when Jetty is absent and {@link Http3AutoConfiguration} is not.
 *
 * @see Http3AutoConfiguration
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory")
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnBooleanProperty("server.http3.enabled")
public final class Http3RequiresJettyAutoConfiguration {

	@Bean
	static JettyRequiredCustomizer http3JettyRequiredCustomizer() {
		return new JettyRequiredCustomizer();
	}

	/**
	 * Rejects a servlet web server factory that is not Boot's Jetty one.
	 */
	static final class JettyRequiredCustomizer
			implements WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> {

		private static final JettyRequirement JETTY = new JettyRequirement(
				"org.springframework.boot.jetty.servlet.JettyServletWebServerFactory", "spring-boot-starter-webmvc");

		@Override
		public void customize(ConfigurableServletWebServerFactory factory) {
			JETTY.check(factory);
		}

	}

}
