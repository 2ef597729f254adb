package dev.h3servlet.boot.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Fails the start-up when this starter (built for Spring Boot 4) finds itself in a Spring Boot 3 application with
 * {@code server.http3.enabled=true}, naming {@code h3servlet-spring-boot3-starter}: without it, Boot 3 would skip
 * {@link Http3AutoConfiguration}, whose Boot 4 classes it lacks, and serve no HTTP/3 without a word. Only annotations
 * both generations have.
 */
@AutoConfiguration
@ConditionalOnProperty(name = "server.http3.enabled", havingValue = "true")
public final class Http3SpringBootVersionAutoConfiguration {

	@Bean
	static SpringBootGeneration http3SpringBootGeneration() {
		return new SpringBootGeneration(4, "h3servlet-spring-boot-starter");
	}

}
