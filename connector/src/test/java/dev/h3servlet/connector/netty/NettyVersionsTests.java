package dev.h3servlet.connector.netty;

import java.util.Map;
import java.util.TreeMap;

import dev.h3servlet.connector.Http3StartupException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NettyVersions}: the class paths Spring Boot's managed Netty versions give an application.
 */
class NettyVersionsTests {

	@Test
	void theNettyTheseTestsRunOnIsAccepted() {
		assertThat(NettyVersions.problem(NettyVersions.class.getClassLoader())).isNull();
	}

	@Test
	void oneNetty42VersionIsAccepted() {
		assertThat(NettyVersions.problem(jars("4.2.15.Final", "4.2.15.Final"))).isNull();
	}

	@Test
	void otherVersionSchemesAreNotCompared() {
		Map<String, String> versions = jars("4.2.18.Final", "4.2.18.Final");
		versions.put("netty-tcnative-boringssl-static", "2.0.74.Final");
		assertThat(NettyVersions.problem(versions)).isNull();
	}

	@Test
	void springBoot35sNetty41IsRefusedNamingTheProperty() {
		// Boot 3.5.7 manages netty-common & co. at 4.1.128; netty-codec-http3 is not in Netty 4.1's BOM.
		Http3StartupException problem = NettyVersions.problem(jars("4.1.128.Final", "4.2.18.Final"));
		assertThat(problem.problem())
			.startsWith("The netty HTTP/3 transport needs Netty 4.2 for every Netty module, but some are older: ")
			.contains("4.1.128.Final (netty-buffer, netty-common, netty-handler, netty-transport)")
			.endsWith("4.2.18.Final (netty-codec-classes-quic, netty-codec-http3)");
		assertThat(problem.action()).startsWith("Set the Maven property netty.version to 4.2.18.Final")
			.contains("ext['netty.version'] = '4.2.18.Final'")
			.contains("import io.netty:netty-bom:4.2.18.Final before Spring Boot's BOM")
			.endsWith("(Spring Boot 3.5 manages Netty 4.1)");
	}

	@Test
	void mixed42VersionsAreRefused() {
		String problem = NettyVersions.problem(jars("4.2.15.Final", "4.2.18.Final")).getMessage();
		assertThat(problem).startsWith("The netty HTTP/3 transport needs every Netty module at one version, but they differ: "
				+ "4.2.15.Final (netty-buffer, netty-common, netty-handler, netty-transport); 4.2.18.Final")
			.contains("netty.version to 4.2.18.Final")
			.doesNotContain("Netty 4.1");
	}

	@Test
	void withoutTheHttp3CodecThereIsNothingToCompare() {
		Map<String, String> versions = jars("4.1.128.Final", "4.2.18.Final");
		versions.remove("netty-codec-http3");
		assertThat(NettyVersions.problem(versions)).isNull();
	}

	/** Netty's core modules at one version, its QUIC and HTTP/3 modules at another. */
	private static Map<String, String> jars(String core, String http3) {
		Map<String, String> versions = new TreeMap<>();
		for (String artifact : new String[] { "netty-common", "netty-buffer", "netty-transport", "netty-handler" }) {
			versions.put(artifact, core);
		}
		versions.put("netty-codec-http3", http3);
		versions.put("netty-codec-classes-quic", http3);
		return versions;
	}

}
