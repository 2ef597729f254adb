package dev.h3servlet.boot;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.preinitialize.BackgroundPreinitializer;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Http3BackgroundPreinitializer}: Spring Boot finds it where it finds its own background
 * pre-initializers (what it saves is measured by the bench's demo start-up row).
 */
class Http3BackgroundPreinitializerTests {

	@Test
	void bootFindsItBesideItsOwn() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
			.load(BackgroundPreinitializer.class))
			.hasAtLeastOneElementOfType(Http3BackgroundPreinitializer.class)
			.as("Boot's own, from spring-boot-autoconfigure")
			.hasSizeGreaterThan(1);
	}

}
