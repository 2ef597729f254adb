package dev.h3servlet.it;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;

import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.it.support.Docker;
import dev.h3servlet.it.support.JettyBase;
import dev.h3servlet.it.support.JettyContainer;
import dev.h3servlet.it.support.SampleWarChecks;
import dev.h3servlet.test.JettyClients;
import dev.h3servlet.test.NettyHttp3Client;
import dev.h3servlet.test.NettyHttp3Client.Request;
import dev.h3servlet.test.NettyHttp3Client.Response;
import dev.h3servlet.test.TestCertificate;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.util.Jetty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The standalone-Jetty scenario of {@link StandaloneJettyTests} in a container, as a team deploying with Docker runs
 * it: jetty-home and the same {@code $JETTY_BASE} (h3servlet module, key store, sample WAR) layered on a Debian
 * image with Debian's OpenJDK 17, built locally from Debian's packages ({@link Docker}), and run with Testcontainers
 * in the host's network namespace, so all traffic stays on loopback. Netty's HTTP/3 client and Chromium must get
 * HTTP/3 from the container and the servlet must see {@code HTTP/3.0}; HTTP/2 responses advertise it.
 * <p>
 * Skipped where no Docker daemon runs (failed under {@code CI=true}); the first run on a machine builds the base
 * image (debootstrap, about a minute), later runs reuse it.
 */
@Timeout(120)
@Tag(TestTransport.BOTH)
class StandaloneJettyContainerTests {

	private static final Path WORK = Path.of("target", "standalone-jetty-container").toAbsolutePath();

	private static final int UPLOAD_SIZE = 1_000_003;

	private static final String CONTEXT = JettyBase.CONTEXT_PATH;

	private static TestCertificate certificate;

	private static JettyContainer jetty;

	private static int port;

	@BeforeAll
	@Timeout(900)
	static void startContainer() throws Exception {
		if (!Docker.baseImageReady()) {
			return;
		}
		Files.createDirectories(WORK);
		certificate = TestCertificate.create(WORK);
		JettyBase base = JettyBase.prepare(WORK.resolve("base"), certificate);
		jetty = JettyContainer.of(base, Jetty.VERSION);
		long start = System.nanoTime();
		jetty.start();
		System.out.printf("docker: Jetty container started in %d ms%n", (System.nanoTime() - start) / 1_000_000);
		port = jetty.port();
	}

	@BeforeEach
	void dockerIsThere() throws Exception {
		Docker.assumeBaseImage();
	}

	@AfterAll
	static void stopContainer() {
		if (jetty != null) {
			if (jetty.getContainerId() != null) {
				System.out.println("[jetty container]\n" + jetty.getLogs());
			}
			jetty.stop();
		}
	}

	@Test
	void theModuleLogsItsListenerOnLoopback() {
		Matcher listening = jetty.http3Listening();
		assertThat(listening.group(1)).as("the transport under test (and quiche's binding on the container's Java 17)")
			.isEqualTo(TestTransport.is(Http3Transport.JETTY_QUICHE) ? "jetty-quiche transport, quiche jna binding"
					: "netty transport");
		assertThat(listening.group(2)).isEqualTo("127.0.0.1");
		assertThat(jetty.getLogs()).contains("advertised on HTTP/1.1 and HTTP/2 responses as Alt-Svc: h3=\":" + port
				+ "\"; ma=86400");
	}

	@Test
	void nettyGetsAndPostsOverHttp3() throws Exception {
		try (NettyHttp3Client client = NettyHttp3Client.connect(new InetSocketAddress("127.0.0.1", port),
				certificate.certificate())) {
			Response info = client.send(Request.get(CONTEXT + "/info"));
			assertThat(client.applicationProtocol()).isEqualTo("h3");
			assertThat(info.status()).as(info.toString()).isEqualTo(200);
			assertThat(info.bodyAsString()).contains("protocol=HTTP/3.0\n", "secure=true\n", "scheme=https\n",
					"contextPath=" + CONTEXT + "\n");

			SampleWarChecks.echoesAnUploadOverHttp3(client, CONTEXT, UPLOAD_SIZE);
		}
	}

	@Test
	void chromiumLoadsThePageOverHttp3() throws Exception {
		SampleWarChecks.chromiumLoadsThePageOverHttp3(uri("/page"), certificate.spkiSha256Base64(),
				Path.of("target", "chromium", "standalone-jetty-container"));
	}

	@Test
	void http2ResponsesAdvertiseHttp3OnTheSamePort() throws Exception {
		SampleWarChecks.advertisesHttp3(JettyClients.http2(), uri("/info"), HttpVersion.HTTP_2, port);
	}

	private static URI uri(String path) {
		return URI.create("https://127.0.0.1:" + port + CONTEXT + path);
	}

}
