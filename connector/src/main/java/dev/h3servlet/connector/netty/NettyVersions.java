package dev.h3servlet.connector.netty;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.h3servlet.connector.Http3StartupException;
import io.netty.util.Version;

/**
 * Checks that the Netty jars on the class path can carry the netty transport: one Netty version for every module,
 * and a 4.2 one (Netty 4.1 has no HTTP/3 codec outside its incubator). Frameworks manage Netty's version for the
 * whole application (Spring Boot 3.5 manages 4.1, Boot 4.0 4.2.15), so a mix is easy to get and fails far from its
 * cause; this names the versions found and the property that aligns them.
 */
final class NettyVersions {

	private NettyVersions() {
	}

	/**
	 * Why the class path's Netty cannot carry the transport, or {@code null} when it can.
	 * @param classLoader the class loader Netty is loaded from
	 */
	static Http3StartupException problem(ClassLoader classLoader) {
		Map<String, String> versions = new TreeMap<>();
		Version.identify(classLoader).forEach((artifact, version) -> versions.put(artifact, version.artifactVersion()));
		return problem(versions);
	}

	/**
	 * Why these Netty jars cannot carry the transport, or {@code null} when they can.
	 * @param versionsByArtifact each Netty artifact's version, as Netty's {@code META-INF/io.netty.versions.properties}
	 * list them
	 */
	static Http3StartupException problem(Map<String, String> versionsByArtifact) {
		// netty-tcnative and the incubator have version numbers of their own.
		Map<String, String> versions = versionsByArtifact.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().startsWith("4."))
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
		String codec = versions.get("netty-codec-http3");
		if (codec == null) {
			return null;
		}
		boolean older = versions.values().stream().anyMatch((version) -> !version.startsWith("4.2."));
		boolean mixed = versions.values().stream().distinct().count() > 1;
		if (!older && !mixed) {
			return null;
		}
		String found = versions.entrySet()
			.stream()
			.collect(Collectors.groupingBy(Map.Entry::getValue, TreeMap::new,
					Collectors.mapping(Map.Entry::getKey, Collectors.joining(", "))))
			.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + " (" + entry.getValue() + ")")
			.collect(Collectors.joining("; "));
		return new Http3StartupException((older
				? "The netty HTTP/3 transport needs Netty 4.2 for every Netty module, but some are older"
				: "The netty HTTP/3 transport needs every Netty module at one version, but they differ") + ": " + found,
				"Set the Maven property netty.version to " + codec + " (with spring-boot-starter-parent; Gradle: "
						+ "ext['netty.version'] = '" + codec + "'), or import io.netty:netty-bom:" + codec
						+ " before Spring Boot's BOM" + (older ? " (Spring Boot 3.5 manages Netty 4.1)" : ""));
	}

}
