package dev.h3servlet.demo.boot;

import org.eclipse.jetty.server.handler.QoSHandler;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts Jetty's {@link QoSHandler} in front of the demo's handlers, configured by {@link OverloadProperties}: the way
 * any Spring Boot app on Jetty can shed load over every protocol, HTTP/3 included (a request over the limit gets a
 * 503 response on its own stream; the connection and the other streams carry on), health checks exempted.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OverloadProperties.class)
class OverloadProtection {

	@Bean
	WebServerFactoryCustomizer<JettyServletWebServerFactory> overloadProtectionCustomizer(
			OverloadProperties properties) {
		return (factory) -> {
			if (properties.enabled()) {
				factory.addServerCustomizers(customizer(properties));
			}
		};
	}

	static JettyServerCustomizer customizer(OverloadProperties properties) {
		return (server) -> server.insertHandler(qosHandler(properties));
	}

	static QoSHandler qosHandler(OverloadProperties properties) {
		QoSHandler qos = new QoSHandler();
		qos.setMaxRequestCount(properties.maxRequests());
		qos.setMaxSuspendedRequestCount(properties.maxQueued());
		qos.setMaxSuspend(properties.maxQueueTime());
		if (!properties.exemptPaths().isEmpty()) {
			qos.excludePath(properties.exemptPaths().toArray(String[]::new));
		}
		return qos;
	}

}
