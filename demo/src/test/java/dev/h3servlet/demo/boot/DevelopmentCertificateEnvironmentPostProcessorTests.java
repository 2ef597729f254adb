package dev.h3servlet.demo.boot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.h3servlet.development.DevelopmentCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DevelopmentCertificateEnvironmentPostProcessor}.
 */
class DevelopmentCertificateEnvironmentPostProcessorTests {

	private final DevelopmentCertificateEnvironmentPostProcessor postProcessor = new DevelopmentCertificateEnvironmentPostProcessor();

	@TempDir
	Path directory;

	@Test
	void createsCertificateAndConfiguresSslWhenNoneIsConfigured() throws Exception {
		MockEnvironment environment = environment();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		Path keyStore = this.directory.resolve("dev").resolve("h3servlet-dev.p12");
		assertThat(keyStore).isRegularFile();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyStore.getParent())))
			.isEqualTo("rwx------");
		assertThat(environment.getProperty("server.ssl.key-store")).isEqualTo("file:" + keyStore);
		assertThat(environment.getProperty("server.ssl.key-store-password")).isEqualTo("h3servlet-dev");
		assertThat(environment.getProperty("server.ssl.key-store-type")).isEqualTo("PKCS12");
		assertThat(environment.getProperty("server.ssl.key-alias")).isEqualTo(DevelopmentCertificate.ALIAS);
	}

	@Test
	void reusesTheCertificateOnLaterRuns() throws Exception {
		this.postProcessor.postProcessEnvironment(environment(), new SpringApplication());
		Path keyStore = this.directory.resolve("dev").resolve("h3servlet-dev.p12");
		byte[] first = Files.readAllBytes(keyStore);
		this.postProcessor.postProcessEnvironment(environment(), new SpringApplication());
		assertThat(Files.readAllBytes(keyStore)).isEqualTo(first);
	}

	@Test
	void stepsAsideWhenAKeyStoreIsConfigured() {
		assertStepsAside(environment().withProperty("server.ssl.key-store", "file:server.p12"));
	}

	@Test
	void stepsAsideWhenAnSslBundleIsConfigured() {
		assertStepsAside(environment().withProperty("server.ssl.bundle", "web"));
	}

	@Test
	void stepsAsideWhenAPemCertificateIsConfigured() {
		assertStepsAside(environment().withProperty("server.ssl.certificate", "classpath:server.crt"));
	}

	@Test
	void stepsAsideWhenSslIsDisabled() {
		assertStepsAside(environment().withProperty("server.ssl.enabled", "false"));
	}

	private void assertStepsAside(MockEnvironment environment) {
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources()
			.contains(DevelopmentCertificateEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
		assertThat(this.directory.resolve("dev")).doesNotExist();
	}

	private MockEnvironment environment() {
		return new MockEnvironment().withProperty(DevelopmentCertificateEnvironmentPostProcessor.DIRECTORY_PROPERTY,
				this.directory.resolve("dev").toString());
	}

}
