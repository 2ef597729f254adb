package dev.h3servlet.it;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.h3servlet.it.support.JettyBase;
import dev.h3servlet.it.support.SampleWarChecks;
import dev.h3servlet.test.NettyHttp3Client;
import dev.h3servlet.test.NettyHttp3Client.Request;
import dev.h3servlet.test.NettyHttp3Client.Response;
import dev.h3servlet.test.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The h3servlet module on the standalone Jettys the README names beyond {@link StandaloneJettyTests}' default base, on
 * the netty transport: jetty-home 12.0.29 with an ee10 deployment, and jetty-home 12.1.5 with one ee10 and one ee11
 * deployment side by side (each chosen with {@code webapps/<name>.properties}, as the README says). The same plain
 * WAR (a Servlet 6.0 descriptor) is deployed each time; Netty's client and Chromium must get HTTP/3, and the servlet
 * must see {@code HTTP/3.0} in the environment it was put in.
 */
@Timeout(180)
class StandaloneJettyVersionsTests {

	private static final Path WORK = Path.of("target", "standalone-jetty-versions").toAbsolutePath();

	@Nested
	@TestInstance(Lifecycle.PER_CLASS)
	class Jetty120WithEe10 {

		private TestCertificate certificate;

		private JettyBase base;

		private JettyBase.Running jetty;

		@BeforeAll
		void start() throws Exception {
			Path work = WORK.resolve("jetty-12.0");
			Files.createDirectories(work);
			Files.deleteIfExists(work.resolve("server.p12"));
			this.certificate = TestCertificate.create(work);
			this.base = JettyBase.prepare(JettyBase.jetty120Home(), work.resolve("base"), this.certificate,
					"h3servlet,https,ee10-deploy");
			this.base.deploy("sample", null);
			this.jetty = this.base.start();
		}

		@AfterAll
		void stop() throws Exception {
			if (this.jetty != null) {
				this.jetty.close();
			}
		}

		@Test
		void servesTheWarOverHttp3OnJetty120() throws Exception {
			assertThat(this.jetty.output()).anyMatch((line) -> line.contains("jetty-12.0.29"))
				.anyMatch((line) -> line.contains("HTTP/3 (QUIC, netty transport) listening on udp://127.0.0.1:"
						+ this.jetty.port()));
			assertThat(info(this.jetty, this.certificate, "/sample")).contains("protocol=HTTP/3.0\n",
					"servletSpec=6.0\n");
		}

		@Test
		void chromiumLoadsThePageOverHttp3() throws Exception {
			SampleWarChecks.chromiumLoadsThePageOverHttp3(
					URI.create("https://127.0.0.1:" + this.jetty.port() + "/sample/page"),
					this.certificate.spkiSha256Base64(), Path.of("target", "chromium", "standalone-jetty-12.0"));
		}

		@Test
		void theJettyQuicheTransportIsRefusedNamingJetty1215() throws Exception {
			JettyBase.Result result = this.base.run(Duration.ofSeconds(60), "jetty.h3servlet.transport=jetty-quiche");
			assertThat(result.exitCode()).as(result.output()).isNotZero();
			assertThat(result.output()).contains("The HTTP/3 transport 'jetty-quiche' cannot run: it needs Jetty 12.1.5")
				.contains("this application runs Jetty 12.0.29")
				.contains("or use the netty transport, which runs on this Jetty");
		}

	}

	@Nested
	@TestInstance(Lifecycle.PER_CLASS)
	class Jetty1215WithEe10AndEe11 {

		private TestCertificate certificate;

		private JettyBase.Running jetty;

		@BeforeAll
		void start() throws Exception {
			Path work = WORK.resolve("jetty-12.1-ee10-ee11");
			Files.createDirectories(work);
			Files.deleteIfExists(work.resolve("server.p12"));
			this.certificate = TestCertificate.create(work);
			JettyBase base = JettyBase.prepare(JettyBase.jettyHome(), work.resolve("base"), this.certificate,
					"h3servlet,https,ee10-deploy,ee11-deploy");
			base.deploy("legacy", "ee10");
			base.deploy("current", "ee11");
			this.jetty = base.start();
		}

		@AfterAll
		void stop() throws Exception {
			if (this.jetty != null) {
				this.jetty.close();
			}
		}

		@Test
		void eachWarIsServedOverHttp3InItsOwnEnvironment() throws Exception {
			assertThat(info(this.jetty, this.certificate, "/legacy")).contains("protocol=HTTP/3.0\n",
					"servletSpec=6.0\n");
			assertThat(info(this.jetty, this.certificate, "/current")).contains("protocol=HTTP/3.0\n",
					"servletSpec=6.1\n");
		}

	}

	private static String info(JettyBase.Running jetty, TestCertificate certificate, String context)
			throws Exception {
		try (NettyHttp3Client client = NettyHttp3Client.connect(new InetSocketAddress("127.0.0.1", jetty.port()),
				certificate.certificate())) {
			assertThat(client.applicationProtocol()).isEqualTo("h3");
			Response response = client.send(Request.get(context + "/info"));
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			return response.bodyAsString();
		}
	}

}
