package dev.h3servlet.connector.quiche;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.h3servlet.connector.AltSvcCustomizer;
import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3Connectors;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.connector.testing.TestServers;
import dev.h3servlet.test.JettyClientsExtension;
import dev.h3servlet.test.LifeCycles;
import dev.h3servlet.test.TestCertificate;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http3.HTTP3Configuration;
import org.eclipse.jetty.http3.server.HTTP3ServerConnectionFactory;
import org.eclipse.jetty.quic.quiche.server.QuicheServerQuicConfiguration;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static dev.h3servlet.connector.testing.TestServers.http3;
import static dev.h3servlet.connector.testing.TestServers.send;
import static dev.h3servlet.connector.testing.TestServers.tlsPort;
import static dev.h3servlet.connector.testing.TestServers.uri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What is particular to the jetty-quiche transport ({@link QuicheHttp3Connector}): settings reaching Jetty's QUIC
 * configuration, the PEM work directory quiche reads the key from, and Jetty's own Alt-Svc customizer taken back.
 * What both transports share is in {@code Http3ConnectorTests}.
 */
class QuicheHttp3ConnectorTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	@TempDir
	static Path directory;

	static TestCertificate certificate;

	private final List<Server> servers = new ArrayList<>();

	@BeforeAll
	static void createCertificate() throws Exception {
		certificate = TestCertificate.create(directory);
	}

	@AfterEach
	void stopServers() throws Exception {
		LifeCycles.stopAll(this.servers.toArray(new LifeCycle[0]));
	}

	@Test
	void theConnectorIsJettysQuicConnector() throws Exception {
		Server server = startServer(settings().build());
		assertThat(http3(server)).isInstanceOf(QuicheHttp3Connector.class);
		assertThat(http3(server).getHttp3Transport()).isEqualTo(Http3Transport.JETTY_QUICHE);
		send(clients.http3(), uri(tlsPort(server)), HttpVersion.HTTP_3);
	}

	@Test
	void jettysAltSvcCustomizerIsReplacedByOurs() throws Exception {
		Server server = startServer(settings().build());
		List<HttpConfiguration.Customizer> customizers = http3(server).getHttpConfiguration().getCustomizers();
		assertThat(customizers).filteredOn(AltSvcCustomizer.class::isInstance).hasSize(1);
		assertThat(customizers).noneMatch(QuicheHttp3ConnectorTests::isJettysAltSvcCustomizer);
		// The predicate does recognize what Jetty adds.
		HttpConfiguration plain = new HttpConfiguration();
		new HTTP3ServerConnectionFactory(plain);
		assertThat(plain.getCustomizers()).singleElement().matches(QuicheHttp3ConnectorTests::isJettysAltSvcCustomizer);
	}

	@Test
	void settingsReachJetty() throws Exception {
		Server server = startServer(settings()
			.idleTimeout(Duration.ofSeconds(40))
			.maxConcurrentStreams(50L)
			.sessionReceiveWindow(4L * 1024 * 1024)
			.streamReceiveWindow(512L * 1024)
			.streamIdleTimeout(Duration.ofSeconds(15))
			.maxRequestHeaderSize(2048)
			.udpReceiveBufferSize(1024 * 1024)
			.udpSendBufferSize(768 * 1024)
			.build());
		QuicheHttp3Connector connector = (QuicheHttp3Connector) http3(server);
		DatagramChannel channel = (DatagramChannel) connector.getTransport();
		assertThat(channel.getOption(StandardSocketOptions.SO_RCVBUF)).isGreaterThanOrEqualTo(1024 * 1024);
		assertThat(channel.getOption(StandardSocketOptions.SO_SNDBUF)).isGreaterThanOrEqualTo(768 * 1024);
		assertThat(connector.getIdleTimeout()).isEqualTo(40_000);
		QuicheServerQuicConfiguration quic = connector.getServerQuicConfiguration();
		assertThat(quic.getBidirectionalMaxStreams()).isEqualTo(50);
		assertThat(quic.getSessionMaxData()).isEqualTo(4L * 1024 * 1024);
		assertThat(quic.getRemoteBidirectionalStreamMaxData()).isEqualTo(512L * 1024);
		assertThat(quic.getStreamIdleTimeout()).isEqualTo(15_000);
		HTTP3Configuration http3 = http3Configuration(connector);
		assertThat(http3.getStreamIdleTimeout()).isEqualTo(15_000);
		assertThat(http3.getMaxRequestHeadersSize()).isEqualTo(2048);
	}

	@Test
	void unsetSettingsKeepJettysHttp3Defaults() throws Exception {
		Server server = startServer(settings().build());
		QuicheServerQuicConfiguration quic = ((QuicheHttp3Connector) http3(server)).getServerQuicConfiguration();
		// What HTTP3ServerQuicConfiguration.configure(..) sets: without it, streams fail with QUICHE_ERR_STREAM_LIMIT.
		assertThat(quic.getBidirectionalMaxStreams()).isEqualTo(128 * 1024);
		assertThat(quic.getUnidirectionalMaxStreams()).isEqualTo(8);
		// The HttpConfiguration's request header size (8 KiB unless set).
		assertThat(http3Configuration(http3(server)).getMaxRequestHeadersSize())
			.isEqualTo(http3(server).getHttpConfiguration().getRequestHeaderSize());
	}

	@Test
	void privatePemWorkDirectoryIsOwnerOnlyAndDeletedAtStop() throws Exception {
		Server server = startServer(settings().build());
		Path pemDir = pemWorkDirectory(server);
		assertThat(pemDir.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
		assertThat(pemDir.getFileName().toString()).startsWith("h3servlet-pem-");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pemDir))).isEqualTo("rwx------");
		assertThat(fileNames(pemDir)).anyMatch((name) -> name.endsWith(".key")).anyMatch((name) -> name.endsWith(".crt"));
		server.stop();
		assertThat(pemDir).doesNotExist();
	}

	@Test
	void configuredPemWorkDirectoryKeepsOnlyWhileRunningAndStays() throws Exception {
		Path pemDir = Files.createDirectory(directory.resolve("pem-configured"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Server server = startServer(settings().pemWorkDir(pemDir).build());
		assertThat(pemWorkDirectory(server)).isEqualTo(pemDir);
		// The key and chain, and the trust store (Jetty's default trust store is the key store).
		assertThat(fileNames(pemDir)).anyMatch((name) -> name.endsWith(".key"))
			.anyMatch((name) -> name.endsWith(".crt"));
		server.stop();
		assertThat(pemDir).isDirectory();
		assertThat(fileNames(pemDir)).isEmpty();
	}

	@Test
	void restartFollowsTheNewTlsPortWithANewPemWorkDirectory() throws Exception {
		Server server = startServer(settings().build());
		Path firstPemDir = pemWorkDirectory(server);
		send(clients.http3(), uri(tlsPort(server)), HttpVersion.HTTP_3);
		server.stop();
		server.start();
		assertThat(http3(server).getLocalPort()).isEqualTo(tlsPort(server));
		assertThat(firstPemDir).doesNotExist();
		assertThat(pemWorkDirectory(server)).isDirectory();
		send(clients.http3(), uri(tlsPort(server)), HttpVersion.HTTP_3);
		assertThat(send(clients.http2(), uri(tlsPort(server)), HttpVersion.HTTP_2).getHeaders().getValuesList(HttpHeader.ALT_SVC))
			.containsExactly("h3=\":" + tlsPort(server) + "\"; ma=86400");
	}

	@Test
	void pemWorkDirectoryThatIsAFileFailsStartNamingTheFix() throws Exception {
		Path file = Files.writeString(directory.resolve("pem-file"), "not a directory");
		Server server = install(settings().pemWorkDir(file).build());
		Exception failure = assertThrows(Exception.class, server::start);
		assertThat(failure).hasMessageContaining("'" + file + "' is not a directory")
			.hasMessageContaining("Point pemWorkDir at a directory");
	}

	@Test
	void pemWorkDirectoryThatCannotBeCreatedFailsStartNamingTheFix() throws Exception {
		Path file = Files.writeString(directory.resolve("pem-parent-file"), "not a directory");
		Path pemDir = file.resolve("pem");
		Server server = install(settings().pemWorkDir(pemDir).build());
		Exception failure = assertThrows(Exception.class, server::start);
		assertThat(failure).hasMessageContaining("'" + pemDir + "'")
			.hasMessageContaining("could not be created")
			.hasMessageContaining("pemWorkDir");
	}

	private static Http3Settings.Builder settings() {
		return Http3Settings.builder().transport(Http3Transport.JETTY_QUICHE);
	}

	private static Path pemWorkDirectory(Server server) {
		return ((QuicheHttp3Connector) http3(server)).getServerQuicConfiguration().getPemWorkDirectory();
	}

	/** The customizer {@code HTTP3ServerConnectionFactory}'s constructor adds: h2 only, no {@code ma}. */
	private static boolean isJettysAltSvcCustomizer(HttpConfiguration.Customizer customizer) {
		return customizer.getClass().getName().startsWith(HTTP3ServerConnectionFactory.class.getName() + "$");
	}

	private static HTTP3Configuration http3Configuration(Http3Connector connector) {
		return ((QuicheHttp3Connector) connector).getConnectionFactory(HTTP3ServerConnectionFactory.class)
			.getHTTP3Configuration();
	}

	private static List<String> fileNames(Path dir) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.map((file) -> file.getFileName().toString()).toList();
		}
	}

	private Server startServer(Http3Settings settings) throws Exception {
		Server server = TestServers.startServer(certificate.newServerSslContextFactory(), settings, (config) -> {
		});
		this.servers.add(server);
		return server;
	}

	private Server install(Http3Settings settings) {
		Server server = TestServers.newServer(certificate.newServerSslContextFactory());
		Http3Connectors.install(server, settings);
		this.servers.add(server);
		return server;
	}

}
