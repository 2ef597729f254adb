package dev.h3servlet.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

import dev.h3servlet.connector.Http3StartupException;

/**
 * Checks that the Jetty jars on the class path are of one version. Spring Boot manages Jetty's version; an
 * application that pins some Jetty artifacts (as the jetty-quiche HTTP/3 transport needs) and not others ends up with a
 * mix that fails in obscure ways, so this says which jars differ and which property aligns them.
 */
final class JettyVersions {

	private static final String JETTY_BUNDLE_PREFIX = "org.eclipse.jetty";

	private JettyVersions() {
	}

	/**
	 * Fails if the Jetty jars that the class loader sees are of different versions.
	 * @param classLoader the application's class loader
	 * @throws Http3StartupException naming each jar, its version, and the property to set
	 */
	static void assertAligned(ClassLoader classLoader) {
		assertAligned(find(classLoader));
	}

	static void assertAligned(Map<String, String> versionsByBundle) {
		if (versionsByBundle.values().stream().distinct().count() > 1) {
			throw new Http3StartupException("Jetty jars of different versions are on the class path: "
					+ versionsByBundle, "Every Jetty jar must be at one version: with spring-boot-starter-parent, "
					+ "set the Maven property <jetty.version> to one version (or remove the pins that differ from "
					+ "Boot's); with Boot's BOM imported, import org.eclipse.jetty:jetty-bom and "
					+ "org.eclipse.jetty.ee11:jetty-ee11-bom at that version before it; with Gradle set "
					+ "ext['jetty.version']. The netty HTTP/3 transport runs on any Jetty 12.1; the jetty-quiche "
					+ "transport needs 12.1.5 (<jetty.version>12.1.5</jetty.version>)");
		}
	}

	/** Version of every Jetty jar by its bundle name, read from the jars' manifests. */
	static Map<String, String> find(ClassLoader classLoader) {
		Map<String, String> versions = new TreeMap<>();
		try {
			Enumeration<URL> manifests = classLoader.getResources("META-INF/MANIFEST.MF");
			while (manifests.hasMoreElements()) {
				Attributes attributes = read(manifests.nextElement()).getMainAttributes();
				String bundle = attributes.getValue("Bundle-SymbolicName");
				String version = attributes.getValue("Implementation-Version");
				if (bundle != null && version != null && bundle.startsWith(JETTY_BUNDLE_PREFIX)) {
					versions.put(bundle.split(";")[0].trim(), version);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the class path's manifests", ex);
		}
		return versions;
	}

	private static Manifest read(URL url) throws IOException {
		try (InputStream in = url.openStream()) {
			return new Manifest(in);
		}
	}

}
