package dev.h3servlet.boot.autoconfigure;

import dev.h3servlet.connector.Http3StartupException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SpringBootGeneration} as this (Boot 4) starter registers it.
 */
class SpringBootGenerationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(Http3SpringBootVersionAutoConfiguration.class));

	@Test
	void aBoot4ApplicationPasses() {
		assertThat(SpringBootVersion.getVersion()).startsWith("4.");
		this.contextRunner.withPropertyValues("server.http3.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(SpringBootGeneration.class));
	}

	@Test
	void isAbsentWhenHttp3IsNotEnabled() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(SpringBootGeneration.class));
	}

	@Test
	void aBoot3ApplicationIsToldWhichStarterToUse() {
		SpringBootGeneration boot4 = new SpringBootGeneration(4, "h3servlet-spring-boot-starter");
		assertThatExceptionOfType(Http3StartupException.class).isThrownBy(() -> boot4.check("3.5.7"))
			.withMessage("server.http3.enabled=true, but dev.h3servlet:h3servlet-spring-boot-starter is built for "
					+ "Spring Boot 4 and this application runs Spring Boot 3.5.7. Replace it with "
					+ "dev.h3servlet:h3servlet-spring-boot3-starter (same version), which serves HTTP/3 on Spring Boot "
					+ "3's embedded Jetty");
	}

}
