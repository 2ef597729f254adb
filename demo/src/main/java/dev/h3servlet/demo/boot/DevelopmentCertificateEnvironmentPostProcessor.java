package dev.h3servlet.demo.boot;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.h3servlet.development.DevelopmentCertificate;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * {@link EnvironmentPostProcessor} that gives the demo TLS when none is configured: if none of
 * {@code server.ssl.key-store}, {@code server.ssl.bundle} and {@code server.ssl.certificate} is set (and
 * {@code server.ssl.enabled} is not {@code false}), it loads, or on first run creates, a self-signed development
 * certificate for {@code localhost} in {@code <h3servlet.demo.dev-certificate-dir>/h3servlet-dev.p12} (default
 * {@value #DEFAULT_DIRECTORY}, relative to the working directory; a new directory is made owner-only) and points {@code server.ssl.*} at it. It runs
 * after the configuration files and the command line are read, and before the web server starts.
 */
public class DevelopmentCertificateEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** The property naming the directory of the development certificate. */
	public static final String DIRECTORY_PROPERTY = "h3servlet.demo.dev-certificate-dir";

	static final String DEFAULT_DIRECTORY = ".h3servlet-dev";

	static final String KEY_STORE_FILE = "h3servlet-dev.p12";

	/** A development certificate's key store password: it protects nothing a developer could not make again. */
	static final String PASSWORD = "h3servlet-dev";

	static final String PROPERTY_SOURCE_NAME = "h3servletDevelopmentCertificate";

	private static final int VALIDITY_DAYS = 365;

	@Override
	public int getOrder() {
		return ConfigDataEnvironmentPostProcessor.ORDER + 1;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (tlsConfigured(environment)) {
			return;
		}
		Path keyStore = Path.of(environment.getProperty(DIRECTORY_PROPERTY, DEFAULT_DIRECTORY), KEY_STORE_FILE)
			.toAbsolutePath();
		DevelopmentCertificate certificate = loadOrCreate(keyStore);
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.ssl.key-store", "file:" + certificate.keyStore());
		properties.put("server.ssl.key-store-password", certificate.password());
		properties.put("server.ssl.key-store-type", "PKCS12");
		properties.put("server.ssl.key-alias", DevelopmentCertificate.ALIAS);
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, properties));
	}

	/** The key store holds a private key: keep its directory to its owner where the file system allows. */
	private static void createPrivateDirectory(Path directory) throws IOException {
		if (Files.isDirectory(directory)) {
			return;
		}
		if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			Files.createDirectories(directory,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		}
		else {
			Files.createDirectories(directory);
		}
	}

	private static boolean tlsConfigured(ConfigurableEnvironment environment) {
		return "false".equalsIgnoreCase(environment.getProperty("server.ssl.enabled"))
				|| StringUtils.hasText(environment.getProperty("server.ssl.key-store"))
				|| StringUtils.hasText(environment.getProperty("server.ssl.bundle"))
				|| StringUtils.hasText(environment.getProperty("server.ssl.certificate"));
	}

	private static DevelopmentCertificate loadOrCreate(Path keyStore) {
		try {
			createPrivateDirectory(keyStore.getParent());
			return DevelopmentCertificate.loadOrCreate(keyStore, PASSWORD, "CN=localhost", VALIDITY_DAYS);
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("Could not load or create the development certificate " + keyStore
					+ ": delete it to have a new one made, or configure server.ssl.key-store or server.ssl.bundle",
					ex);
		}
	}

}
