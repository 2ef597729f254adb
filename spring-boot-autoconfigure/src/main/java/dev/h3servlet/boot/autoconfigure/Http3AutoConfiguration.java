package dev.h3servlet.boot.autoconfigure;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.servlet.Http3BridgeHandler;
import org.eclipse.jetty.server.Server;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for HTTP/3 on the embedded Jetty server of a servlet web
 * application, switched on by {@code server.http3.enabled=true}.
 *
 * @see Http3Properties
 * @see Http3RequiresJettyAutoConfiguration
 */
@AutoConfiguration
@ConditionalOnClass({ Server.class, Http3Connector.class, Http3BridgeHandler.class,
		JettyServletWebServerFactory.class })
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnBooleanProperty("server.http3.enabled")
@EnableConfigurationProperties(Http3Properties.class)
public final class Http3AutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Http3Settings http3Settings(Http3Properties properties) {
		return Http3SettingsMapper.map(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	Http3WebServerFactoryCustomizer http3WebServerFactoryCustomizer(Http3Settings settings) {
		return new Http3WebServerFactoryCustomizer(settings);
	}

}
