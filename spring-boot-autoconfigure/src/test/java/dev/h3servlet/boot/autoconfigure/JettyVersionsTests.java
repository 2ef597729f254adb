package dev.h3servlet.boot.autoconfigure;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link JettyVersions}.
 */
class JettyVersionsTests {

	@TempDir
	Path jars;

	@Test
	void thisClassPathHasEveryJettyJarAt1215() {
		Map<String, String> versions = JettyVersions.find(getClass().getClassLoader());
		assertThat(versions).containsEntry("org.eclipse.jetty.server", "12.1.5")
			.containsEntry("org.eclipse.jetty.quic.quiche.server", "12.1.5");
		assertThat(versions.values()).containsOnly("12.1.5");
		assertThatNoException().isThrownBy(() -> JettyVersions.assertAligned(getClass().getClassLoader()));
	}

	@Test
	void mixedVersionsFailNamingTheJarsAndTheProperty() throws IOException {
		Path server = jar("jetty-server.jar", "org.eclipse.jetty.server", "12.1.10");
		Path quiche = jar("jetty-quic-quiche-server.jar", "org.eclipse.jetty.quic.quiche.server", "12.1.5");
		Path other = jar("other.jar", "org.example.other", "1.0");
		try (URLClassLoader classLoader = new URLClassLoader(
				new URL[] { server.toUri().toURL(), quiche.toUri().toURL(), other.toUri().toURL() }, null)) {
			assertThatIllegalStateException().isThrownBy(() -> JettyVersions.assertAligned(classLoader))
				.withMessageContaining("org.eclipse.jetty.server=12.1.10")
				.withMessageContaining("org.eclipse.jetty.quic.quiche.server=12.1.5")
				.withMessageContaining("<jetty.version>12.1.5</jetty.version>")
				.withMessageNotContaining("org.example.other");
		}
	}

	@Test
	void oneVersionPasses() {
		assertThatNoException().isThrownBy(() -> JettyVersions
			.assertAligned(Map.of("org.eclipse.jetty.server", "12.1.5", "org.eclipse.jetty.util", "12.1.5")));
	}

	private Path jar(String name, String bundle, String version) throws IOException {
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().putValue("Bundle-SymbolicName", bundle);
		manifest.getMainAttributes().putValue("Implementation-Version", version);
		Path jar = this.jars.resolve(name);
		try (OutputStream out = Files.newOutputStream(jar)) {
			// the manifest is the whole jar
			new JarOutputStream(out, manifest).finish();
		}
		return jar;
	}

}
