package dev.h3servlet.boot.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of {@link Http3MetricsAutoConfiguration}; the meters themselves are read in {@link Http3MetricsTests}.
 */
class Http3MetricsAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(Http3MetricsAutoConfiguration.class));

	@Test
	void bindsWithMeterRegistryWhenHttp3IsEnabled() {
		this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class)
			.withPropertyValues("server.http3.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(Http3MetricsBinder.class));
	}

	@Test
	void backsOffWithoutMeterRegistry() {
		this.contextRunner.withPropertyValues("server.http3.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(Http3MetricsBinder.class));
	}

	@Test
	void backsOffWhenHttp3IsNotEnabled() {
		this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(Http3MetricsBinder.class));
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.withPropertyValues("server.http3.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(Http3MetricsBinder.class));
	}

	@Test
	void backsOffInANonWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(Http3MetricsAutoConfiguration.class))
			.withUserConfiguration(MeterRegistryConfiguration.class)
			.withPropertyValues("server.http3.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(Http3MetricsBinder.class));
	}

	@Test
	void backsOffWhenTheUserDefinesABinder() {
		this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class, UserBinderConfiguration.class)
			.withPropertyValues("server.http3.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(Http3MetricsBinder.class).hasBean("userBinder"));
	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBinderConfiguration {

		@Bean
		Http3MetricsBinder userBinder(MeterRegistry registry) {
			return new Http3MetricsBinder(registry);
		}

	}

}
