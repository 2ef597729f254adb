package dev.h3servlet.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.stream.Stream;

import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.it.support.JettyBase;
import dev.h3servlet.it.support.SampleWarChecks;
import dev.h3servlet.test.JettyClients;
import dev.h3servlet.test.NettyHttp3Client;
import dev.h3servlet.test.NettyHttp3Client.Request;
import dev.h3servlet.test.NettyHttp3Client.Response;
import dev.h3servlet.test.TestCertificate;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * h3servlet on a standalone Jetty 12.1.5, set up as the README tells a user: jetty-home, a {@code $JETTY_BASE} with
 * h3servlet's distribution zip unpacked into it, {@code --add-modules=h3servlet,https,ee11-deploy}, a key store, and a
 * plain WAR (no h3servlet code in it) in {@code webapps/}; then {@code java -jar start.jar} as a real process
 * ({@link JettyBase}). Clients that share no code with Jetty (Chromium, Netty) must get HTTP/3 and the servlet must
 * see {@code HTTP/3.0}; HTTP/2 and HTTP/1.1 responses advertise it; start.jar shows the module's settings and refuses
 * a bad one, naming its key.
 */
@Timeout(180)
@Tag(TestTransport.BOTH)
class StandaloneJettyTests {

	private static final Path WORK = Path.of("target", "standalone-jetty").toAbsolutePath();

	private static final String CONTEXT = JettyBase.CONTEXT_PATH;

	/** Some 2,000 QUIC packets, and an odd length. */
	private static final int UPLOAD_SIZE = 3_000_017;

	private static TestCertificate certificate;

	private static JettyBase base;

	private static JettyBase.Running jetty;

	private static Path pemWorkDir;

	@BeforeAll
	static void startJetty() throws Exception {
		Files.createDirectories(WORK);
		Files.deleteIfExists(WORK.resolve("server.p12"));
		certificate = TestCertificate.create(WORK);
		base = JettyBase.prepare(WORK.resolve("base"), certificate);
		pemWorkDir = WORK.resolve("pem");
		deleteFiles(pemWorkDir);
		jetty = base.start("jetty.quic.pemWorkDir=" + pemWorkDir, "jetty.server.dumpAfterStart=true");
	}

	@AfterAll
	static void stopJetty() throws Exception {
		if (jetty != null) {
			jetty.close();
			// Jetty deletes the PEM files it exported when the connector stops; the netty transport wrote none.
			if (Files.isDirectory(pemWorkDir)) {
				try (Stream<Path> files = Files.list(pemWorkDir)) {
					assertThat(files).as("PEM work directory %s after stop", pemWorkDir).isEmpty();
				}
			}
		}
	}

	@Test
	void chromiumLoadsThePageOverHttp3() throws Exception {
		SampleWarChecks.chromiumLoadsThePageOverHttp3(uri("/page"), certificate.spkiSha256Base64(),
				Path.of("target", "chromium", "standalone-jetty"));
	}

	@Test
	void nettyGetsAndPostsOverHttp3() throws Exception {
		try (NettyHttp3Client client = NettyHttp3Client
			.connect(new InetSocketAddress("127.0.0.1", jetty.port()), certificate.certificate())) {
			Response info = client.send(Request.get(CONTEXT + "/info"));
			assertThat(client.applicationProtocol()).isEqualTo("h3");
			assertThat(info.status()).as(info.toString()).isEqualTo(200);
			assertThat(info.bodyAsString()).contains("protocol=HTTP/3.0\n", "secure=true\n", "scheme=https\n",
					"contextPath=" + CONTEXT + "\n")
				.containsPattern("cipherSuite=TLS_(AES_128_GCM_SHA256|CHACHA20_POLY1305_SHA256)\n")
				.containsPattern("keySize=\\d+\n")
				.containsPattern("sessionId=[0-9a-fA-F]+\n");
			assertThat(info.header("alt-svc")).as("HTTP/3 responses do not advertise HTTP/3").isNull();

			SampleWarChecks.echoesAnUploadOverHttp3(client, CONTEXT, UPLOAD_SIZE);
		}
	}

	@Test
	void http2AndHttp11ResponsesAdvertiseHttp3() throws Exception {
		SampleWarChecks.advertisesHttp3(JettyClients.http2(), uri("/info"), HttpVersion.HTTP_2, jetty.port());
		SampleWarChecks.advertisesHttp3(JettyClients.http11(), uri("/info"), HttpVersion.HTTP_1_1, jetty.port());
	}

	@Test
	void theBridgeWrapsTheDeployedAppsAndTheConnectorsCustomizersAreInPlace() throws InterruptedException {
		// Jetty's dump after start (printed after the line the start waits for): the server's handler (+=) is the
		// bridge, above the contexts of the deployer.
		Predicate<String> bridge = (line) -> line.startsWith("+= dhs.Http3BridgeHandler@");
		assertThat(jetty.outputOnce(bridge, Duration.ofSeconds(30))).anyMatch(bridge)
			.anyMatch((line) -> line.contains("[dhc.Http3SecureRequestCustomizer@")
					&& line.contains("AltSvcCustomizer{h3 port=" + jetty.port() + ", ma=86400}"));
	}

	@Test
	void theListenerRunsOnTheTransportUnderTest() throws Exception {
		String transport = TestTransport.current().id() + " transport";
		assertThat(jetty.output()).anyMatch((line) -> line.contains("HTTP/3 (QUIC, " + transport)
				&& line.contains("listening on udp://127.0.0.1:" + jetty.port()));
		if (TestTransport.is(Http3Transport.JETTY_QUICHE)) {
			// Jetty's quiche binding reads the key from PEM files it exports at start.
			try (Stream<Path> files = Files.list(pemWorkDir)) {
				assertThat(files).isNotEmpty();
			}
		}
		else {
			// The netty transport keeps the key in memory: nothing is written, even where a directory is configured.
			assertThat(pemWorkDir).satisfiesAnyOf((dir) -> assertThat(dir).doesNotExist(),
					(dir) -> assertThat(dir).isEmptyDirectory());
		}
	}

	@Test
	void listConfigShowsTheModuleAndItsSettings() throws Exception {
		JettyBase.Result result = base.run(Duration.ofSeconds(60), "--list-config");
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("${jetty.base}/etc/h3servlet.xml",
				"${jetty.base}/lib/h3servlet/h3servlet-connector-", "jetty.h3servlet.udpReceiveBufferSize = 4194304",
				"jetty.h3servlet.udpSendBufferSize = 4194304", "jetty.h3servlet.altSvc.enabled = true",
				"jetty.h3servlet.altSvc.maxAge = 86400",
				"jetty.h3servlet.transport = " + TestTransport.current().id());
		if (TestTransport.is(Http3Transport.JETTY_QUICHE)) {
			assertThat(result.output()).contains("${jetty.home}/lib/http3/jetty-http3-server-");
		}
		else {
			assertThat(result.output()).contains("${jetty.base}/lib/h3servlet/netty-codec-http3-")
				.doesNotContain("jetty-http3-server-", "jetty-quic-quiche-");
		}
		assertThat(Files.readString(base.directory().resolve("start.d/h3servlet.ini"))).contains(
				"# jetty.quic.idleTimeout=30000", "# jetty.quic.bidirectionalMaxStreams=",
				"# jetty.quic.sessionMaxData=", "# jetty.quic.remoteBidirectionalStreamMaxData=",
				"# jetty.http3.streamIdleTimeout=", "# jetty.quic.pemWorkDir=", "# jetty.h3servlet.transport=netty");
	}

	@Test
	void aBadSettingOnTheCommandLineFailsTheStartNamingItsKey() throws Exception {
		JettyBase.Result result = base.run(Duration.ofSeconds(60), "jetty.quic.idleTimeout=-5");
		assertThat(result.exitCode()).as(result.output()).isNotZero();
		assertThat(result.output())
			.contains("jetty.quic.idleTimeout=-5: jetty.quic.idleTimeout must be a number of milliseconds > 0");
	}

	@Test
	void aBadSettingInStartDFailsTheStartNamingItsKey() throws Exception {
		Path ini = base.directory().resolve("start.d/zz-bad.ini");
		try {
			base.writeIni(ini.getFileName().toString(), "jetty.h3servlet.udpReceiveBufferSize=4MB");
			JettyBase.Result result = base.run(Duration.ofSeconds(60));
			assertThat(result.exitCode()).as(result.output()).isNotZero();
			String line = "h3servlet: Invalid h3servlet module setting jetty.h3servlet.udpReceiveBufferSize=4MB: "
					+ "jetty.h3servlet.udpReceiveBufferSize must be a number of bytes > 0";
			// Once, on its own line, before Jetty's wrapped stack traces and start.jar's usage text.
			assertThat(result.output().lines().filter((each) -> each.startsWith("h3servlet: "))).containsExactly(line);
			assertThat(result.output().indexOf(line)).isLessThan(result.output().indexOf("InvocationTargetException"));
		}
		finally {
			Files.deleteIfExists(ini);
		}
	}

	@Test
	void jettysHttp3ModuleIsAcceptedAndAddsNothing() throws Exception {
		// Jetty 12.1's http3 module only asks for an http3-impl, which h3servlet provides.
		JettyBase.Result result = base.run(Duration.ofSeconds(60), "--list-config", "--module=http3");
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).containsPattern("\\) http3 +<command-line>");
		if (!TestTransport.is(Http3Transport.JETTY_QUICHE)) {
			assertThat(result.output()).doesNotContain("jetty-http3-server", "jetty-quic", "quiche");
		}
	}

	@Test
	void jettysOwnHttp3CannotBeEnabledBeside() throws Exception {
		JettyBase.Result result = base.run(Duration.ofSeconds(60), "--list-config", "--module=http3-quiche");
		assertThat(result.exitCode()).as(result.output()).isNotZero();
		// start.jar names them in the order it enables them: here http3-quiche (command line) before h3servlet.
		assertThat(result.output()).contains("provides http3-quiche, which is already provided by", "h3servlet");
	}

	private static void deleteFiles(Path directory) throws IOException {
		if (Files.isDirectory(directory)) {
			try (Stream<Path> files = Files.list(directory)) {
				for (Path file : files.toList()) {
					Files.delete(file);
				}
			}
		}
	}

	private static URI uri(String path) {
		return URI.create("https://127.0.0.1:" + jetty.port() + CONTEXT + path);
	}

}
