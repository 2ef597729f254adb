package dev.h3servlet.boot.metrics;

import dev.h3servlet.boot.autoconfigure.Http3AutoConfiguration;
import dev.h3servlet.connector.Http3Connector;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.server.Server;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.jetty.metrics.AbstractJettyMetricsBinder;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for Micrometer meters of the HTTP/3 connector ({@code jetty.http3.*}), when Micrometer is on the
 * class path and a {@link MeterRegistry} is defined (Spring Boot Actuator defines one).
 *
 * @see Http3MetricsBinder
 */
@AutoConfiguration(after = Http3AutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ MeterRegistry.class, Server.class, Http3Connector.class, AbstractJettyMetricsBinder.class })
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty("server.http3.enabled")
public final class Http3MetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Http3MetricsBinder http3MetricsBinder(MeterRegistry meterRegistry) {
		return new Http3MetricsBinder(meterRegistry);
	}

}
