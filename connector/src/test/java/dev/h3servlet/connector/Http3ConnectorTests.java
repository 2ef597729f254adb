package dev.h3servlet.connector;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import dev.h3servlet.connector.testing.JettyClients;
import dev.h3servlet.connector.testing.TestCertificate;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.http3.HTTP3Configuration;
import org.eclipse.jetty.http3.server.HTTP3ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.quic.quiche.server.QuicheServerQuicConfiguration;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Tests for {@link Http3Connector} and {@link Http3Connectors} on a plain Jetty {@link Server} whose handler answers
 * with the protocol it saw, with Jetty's HTTP/1.1, HTTP/2 and HTTP/3 clients.
 */
class Http3ConnectorTests {

	private static final long TIMEOUT_SECONDS = 30;

	/** Request header size of the shared server, set after install: HTTP/3 must follow it at start. */
	private static final int SHARED_REQUEST_HEADER_SIZE = 6 * 1024;

	@TempDir
	static Path directory;

	static TestCertificate certificate;

	static HttpClient h3;

	static HttpClient h2;

	static HttpClient h11;

	/** A server with default settings, shared by the tests that only send requests. */
	static Server shared;

	private final List<Server> servers = new ArrayList<>();

	@BeforeAll
	static void startSharedServerAndClients() throws Exception {
		certificate = TestCertificate.create(directory);
		shared = startServer(Http3Settings.defaults(),
				(httpConfiguration) -> httpConfiguration.setRequestHeaderSize(SHARED_REQUEST_HEADER_SIZE));
		h3 = JettyClients.http3();
		h2 = JettyClients.http2();
		h11 = JettyClients.http11();
	}

	@AfterAll
	static void stopSharedServerAndClients() throws Exception {
		stopAll(shared, h3, h2, h11);
	}

	@AfterEach
	void stopServers() throws Exception {
		stopAll(this.servers.toArray(new LifeCycle[0]));
	}

	@Test
	void http3RequestIsServedOverHttp3() throws Exception {
		ContentResponse response = h3.newRequest(uri(tlsPort(shared))).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).send();
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getContentAsString()).isEqualTo("HTTP/3.0");
	}

	@Test
	void udpPortFollowsTlsPortWhenUnset() {
		assertThat(http3(shared).getLocalPort()).isPositive().isEqualTo(tlsPort(shared));
		assertThat(http3(shared).getHost()).isEqualTo("127.0.0.1");
	}

	@Test
	void http11ResponseAdvertisesHttp3Once() throws Exception {
		ContentResponse response = send(h11, uri(tlsPort(shared)), HttpVersion.HTTP_1_1);
		assertThat(response.getHeaders().getValuesList(HttpHeader.ALT_SVC))
			.containsExactly("h3=\":" + http3(shared).getLocalPort() + "\"; ma=86400");
	}

	@Test
	void http2ResponseAdvertisesHttp3OnceWithoutJettysOwnHeader() throws Exception {
		ContentResponse response = send(h2, uri(tlsPort(shared)), HttpVersion.HTTP_2);
		assertThat(response.getHeaders().getValuesList(HttpHeader.ALT_SVC))
			.containsExactly("h3=\":" + http3(shared).getLocalPort() + "\"; ma=86400");
	}

	@Test
	void jettysAltSvcCustomizerIsReplacedByOurs() {
		List<HttpConfiguration.Customizer> customizers = http3(shared).getHttpConfiguration().getCustomizers();
		assertThat(customizers).filteredOn(AltSvcCustomizer.class::isInstance).hasSize(1);
		assertThat(customizers).noneMatch(Http3ConnectorTests::isJettysAltSvcCustomizer);
		// The predicate does recognize what Jetty adds.
		HttpConfiguration plain = new HttpConfiguration();
		new HTTP3ServerConnectionFactory(plain);
		assertThat(plain.getCustomizers()).singleElement().matches(Http3ConnectorTests::isJettysAltSvcCustomizer);
	}

	@Test
	void altSvcReachesHttp11AndHttp2WhenEachHasItsOwnConfiguration() throws Exception {
		int udpPort = freeUdpPort();
		Server server = new Server(new QueuedThreadPool());
		HttpConfiguration http11Configuration = new HttpConfiguration();
		http11Configuration.addCustomizer(new SecureRequestCustomizer());
		HttpConfiguration http2Configuration = new HttpConfiguration(http11Configuration);
		HttpConnectionFactory http11 = new HttpConnectionFactory(http11Configuration);
		HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(http2Configuration);
		ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
		alpn.setDefaultProtocol(http11.getProtocol());
		SslConnectionFactory tls = new SslConnectionFactory(certificate.newServerSslContextFactory(),
				alpn.getProtocol());
		ServerConnector connector = new ServerConnector(server, 1, 1, tls, alpn, http2, http11);
		connector.setHost("127.0.0.1");
		server.addConnector(connector);
		server.setHandler(new ProtocolHandler());
		this.servers.add(server);
		Http3Connectors.install(server, Http3Settings.builder().port(udpPort).build());
		server.start();
		String expected = "h3=\":" + udpPort + "\"; ma=86400";
		assertThat(send(h11, uri(connector.getLocalPort()), HttpVersion.HTTP_1_1).getHeaders()
			.getValuesList(HttpHeader.ALT_SVC)).containsExactly(expected);
		assertThat(send(h2, uri(connector.getLocalPort()), HttpVersion.HTTP_2).getHeaders()
			.getValuesList(HttpHeader.ALT_SVC)).containsExactly(expected);
	}

	@Test
	void http3ResponseDoesNotAdvertiseHttp3() throws Exception {
		ContentResponse response = send(h3, uri(tlsPort(shared)), HttpVersion.HTTP_3);
		assertThat(response.getHeaders().contains(HttpHeader.ALT_SVC)).isFalse();
	}

	@Test
	void explicitUdpPortIsUsedAndAdvertisedWithCustomMaxAge() throws Exception {
		int udpPort = freeUdpPort();
		Server server = startServer(Http3Settings.builder().port(udpPort).altSvcMaxAge(Duration.ofMinutes(2)).build());
		assertThat(http3(server).getLocalPort()).isEqualTo(udpPort);
		send(h3, uri(udpPort), HttpVersion.HTTP_3);
		String expected = "h3=\":" + udpPort + "\"; ma=120";
		assertThat(send(h11, uri(tlsPort(server)), HttpVersion.HTTP_1_1).getHeaders().getValuesList(HttpHeader.ALT_SVC))
			.containsExactly(expected);
		assertThat(send(h2, uri(tlsPort(server)), HttpVersion.HTTP_2).getHeaders().getValuesList(HttpHeader.ALT_SVC))
			.containsExactly(expected);
	}

	@Test
	void altSvcCanBeDisabled() throws Exception {
		Server server = startServer(Http3Settings.builder().altSvcEnabled(false).build());
		assertThat(send(h11, uri(tlsPort(server)), HttpVersion.HTTP_1_1).getHeaders().contains(HttpHeader.ALT_SVC))
			.isFalse();
		assertThat(send(h2, uri(tlsPort(server)), HttpVersion.HTTP_2).getHeaders().contains(HttpHeader.ALT_SVC))
			.isFalse();
		send(h3, uri(http3(server).getLocalPort()), HttpVersion.HTTP_3);
		assertThat(http3(server).getHttpConfiguration().getCustomizers())
			.noneMatch(AltSvcCustomizer.class::isInstance)
			.noneMatch(Http3ConnectorTests::isJettysAltSvcCustomizer);
	}

	@Test
	void settingsReachJetty() throws Exception {
		Server server = startServer(Http3Settings.builder()
			.idleTimeout(Duration.ofSeconds(40))
			.maxConcurrentStreams(50L)
			.sessionReceiveWindow(4L * 1024 * 1024)
			.streamReceiveWindow(512L * 1024)
			.streamIdleTimeout(Duration.ofSeconds(15))
			.maxRequestHeaderSize(2048)
			.udpReceiveBufferSize(1024 * 1024)
			.udpSendBufferSize(768 * 1024)
			.build());
		Http3Connector connector = http3(server);
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
	void unsetSettingsKeepJettysHttp3Defaults() {
		QuicheServerQuicConfiguration quic = http3(shared).getServerQuicConfiguration();
		// What HTTP3ServerQuicConfiguration.configure(..) sets: without it, streams fail with QUICHE_ERR_STREAM_LIMIT.
		assertThat(quic.getBidirectionalMaxStreams()).isEqualTo(128 * 1024);
		assertThat(quic.getUnidirectionalMaxStreams()).isEqualTo(8);
	}

	@Test
	void maxRequestHeaderSizeLimitsHttp3Requests() throws Exception {
		Server server = startServer(Http3Settings.builder().maxRequestHeaderSize(2048).build());
		URI uri = uri(http3(server).getLocalPort());
		assertThat(sendWithHeader(uri, 512)).isEqualTo("200");
		// The limit travels in the server's SETTINGS (max field section size); the client refuses to exceed it.
		assertThat(sendWithHeader(uri, 4096)).contains("Max size exceeded").endsWith("> 2048");
	}

	@Test
	void maxRequestHeaderSizeFollowsTheHttpConfigurationByDefault() throws Exception {
		assertThat(http3Configuration(http3(shared)).getMaxRequestHeadersSize()).isEqualTo(SHARED_REQUEST_HEADER_SIZE);
		URI uri = uri(tlsPort(shared));
		assertThat(sendWithHeader(uri, 4096)).isEqualTo("200");
		// 6144, not the client's own 8192: the server advertised the HttpConfiguration's value.
		assertThat(sendWithHeader(uri, 8192)).contains("Max size exceeded").endsWith("> " + SHARED_REQUEST_HEADER_SIZE);
	}

	@Test
	void privatePemWorkDirectoryIsOwnerOnlyAndDeletedAtStop() throws Exception {
		Server server = startServer(Http3Settings.defaults());
		Path pemDir = http3(server).getServerQuicConfiguration().getPemWorkDirectory();
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
		Server server = startServer(Http3Settings.builder().pemWorkDir(pemDir).build());
		assertThat(http3(server).getServerQuicConfiguration().getPemWorkDirectory()).isEqualTo(pemDir);
		// The key and chain, and the trust store (Jetty's default trust store is the key store).
		assertThat(fileNames(pemDir)).anyMatch((name) -> name.endsWith(".key"))
			.anyMatch((name) -> name.endsWith(".crt"));
		server.stop();
		assertThat(pemDir).isDirectory();
		assertThat(fileNames(pemDir)).isEmpty();
	}

	@Test
	void restartFollowsTheNewTlsPortWithANewPemWorkDirectory() throws Exception {
		Server server = startServer(Http3Settings.defaults());
		Path firstPemDir = http3(server).getServerQuicConfiguration().getPemWorkDirectory();
		send(h3, uri(tlsPort(server)), HttpVersion.HTTP_3);
		server.stop();
		server.start();
		assertThat(http3(server).getLocalPort()).isEqualTo(tlsPort(server));
		assertThat(firstPemDir).doesNotExist();
		assertThat(http3(server).getServerQuicConfiguration().getPemWorkDirectory()).isDirectory();
		send(h3, uri(tlsPort(server)), HttpVersion.HTTP_3);
		assertThat(send(h2, uri(tlsPort(server)), HttpVersion.HTTP_2).getHeaders().getValuesList(HttpHeader.ALT_SVC))
			.containsExactly("h3=\":" + tlsPort(server) + "\"; ma=86400");
	}

	@Test
	void installWithoutTlsConnectorNamesTheFix() {
		Server server = new Server();
		server.addConnector(new ServerConnector(server));
		assertThatIllegalStateException().isThrownBy(() -> Http3Connectors.install(server, Http3Settings.defaults()))
			.withMessageContaining("no TLS connector")
			.withMessageContaining("SslConnectionFactory");
	}

	@Test
	void installWithTwoTlsConnectorsNamesTheFix() {
		Server server = newServer(certificate.newServerSslContextFactory());
		server.addConnector(newTlsConnector(server, certificate.newServerSslContextFactory(), new HttpConfiguration()));
		assertThatIllegalStateException().isThrownBy(() -> Http3Connectors.install(server, Http3Settings.defaults()))
			.withMessageContaining("2 TLS connectors")
			.withMessageContaining("install(ServerConnector, Http3Settings)");
	}

	@Test
	void udpPortAlreadyBoundFailsStartNamingThePort() throws Exception {
		try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
			int port = taken.getLocalPort();
			Server server = install(Http3Settings.builder().port(port).build());
			Exception failure = assertThrows(Exception.class, server::start);
			assertThat(failure).hasMessageContaining("UDP port " + port)
				.hasMessageContaining("set the HTTP/3 port to another number")
				.hasRootCauseInstanceOf(BindException.class);
		}
	}

	@Test
	void keyStoreWithoutPrivateKeyFailsStartNamingTheFix() throws Exception {
		Path certificateFile = directory.resolve("trusted-only.crt");
		Path trustedOnly = directory.resolve("trusted-only.p12");
		TestCertificate.keytool("-exportcert", "-rfc", "-alias", TestCertificate.ALIAS, "-keystore",
				certificate.keyStore().toString(), "-storepass", TestCertificate.PASSWORD, "-file",
				certificateFile.toString());
		TestCertificate.keytool("-importcert", "-noprompt", "-alias", "trusted", "-file", certificateFile.toString(),
				"-storetype", "PKCS12", "-keystore", trustedOnly.toString(), "-storepass", TestCertificate.PASSWORD);
		SslContextFactory.Server ssl = new SslContextFactory.Server();
		ssl.setKeyStorePath(trustedOnly.toString());
		ssl.setKeyStorePassword(TestCertificate.PASSWORD);
		int udpPort = freeUdpPort();
		Server server = install(ssl, Http3Settings.builder().port(udpPort).build());
		Exception failure = assertThrows(Exception.class, server::start);
		assertThat(failure).hasMessageContaining("'trusted'")
			.hasMessageContaining("no private key")
			.hasMessageContaining("certAlias to a private key entry");
		assertUdpPortIsFree(udpPort);
	}

	@Test
	void certAliasNamingMissingEntryFailsStartNamingTheFix() throws Exception {
		SslContextFactory.Server ssl = certificate.newServerSslContextFactory();
		ssl.setCertAlias("missing");
		Server server = install(ssl, Http3Settings.defaults());
		Exception failure = assertThrows(Exception.class, server::start);
		assertThat(failure).hasMessageContaining("no entry named 'missing'")
			.hasMessageContaining("certAlias")
			.hasMessageContaining("[" + TestCertificate.ALIAS + "]");
	}

	@Test
	void pemWorkDirectoryThatIsAFileFailsStartNamingTheFix() throws Exception {
		Path file = Files.writeString(directory.resolve("pem-file"), "not a directory");
		Server server = install(Http3Settings.builder().pemWorkDir(file).build());
		Exception failure = assertThrows(Exception.class, server::start);
		assertThat(failure).hasMessageContaining("'" + file + "' is not a directory")
			.hasMessageContaining("point pemWorkDir at a directory");
	}

	@Test
	void pemWorkDirectoryThatCannotBeCreatedFailsStartNamingTheFix() throws Exception {
		Path file = Files.writeString(directory.resolve("pem-parent-file"), "not a directory");
		Path pemDir = file.resolve("pem");
		Server server = install(Http3Settings.builder().pemWorkDir(pemDir).build());
		Exception failure = assertThrows(Exception.class, server::start);
		assertThat(failure).hasMessageContaining("'" + pemDir + "'")
			.hasMessageContaining("could not be created")
			.hasMessageContaining("pemWorkDir");
	}

	/** The customizer {@code HTTP3ServerConnectionFactory}'s constructor adds: h2 only, no {@code ma}. */
	private static boolean isJettysAltSvcCustomizer(HttpConfiguration.Customizer customizer) {
		return customizer.getClass().getName().startsWith(HTTP3ServerConnectionFactory.class.getName() + "$");
	}

	/** Sends an HTTP/3 request with a header of the given size: the status, or the failure's description. */
	private static String sendWithHeader(URI uri, int headerBytes) throws Exception {
		try {
			ContentResponse response = h3.newRequest(uri)
				.headers((headers) -> headers.put("X-Padding", "x".repeat(headerBytes)))
				.timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
				.send();
			assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
			return String.valueOf(response.getStatus());
		}
		catch (ExecutionException ex) {
			return ex.getCause().toString();
		}
	}

	private static ContentResponse send(HttpClient client, URI uri, HttpVersion version) throws Exception {
		ContentResponse response = client.newRequest(uri).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).send();
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getVersion()).isEqualTo(version);
		assertThat(response.getContentAsString()).isEqualTo(version.asString());
		return response;
	}

	private static void assertUdpPortIsFree(int port) throws IOException {
		try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
			assertThat(socket.getLocalPort()).isEqualTo(port);
		}
	}

	private static List<String> fileNames(Path dir) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.map((file) -> file.getFileName().toString()).toList();
		}
	}

	/** A UDP port number that was free a moment ago. */
	private static int freeUdpPort() throws IOException {
		try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
			return socket.getLocalPort();
		}
	}

	private static URI uri(int port) {
		return URI.create("https://127.0.0.1:" + port + "/");
	}

	private static Http3Connector http3(Server server) {
		return server.getBean(Http3Connector.class);
	}

	private static int tlsPort(Server server) {
		return ((ServerConnector) http3(server).getTlsConnector()).getLocalPort();
	}

	private static HTTP3Configuration http3Configuration(Http3Connector connector) {
		return connector.getConnectionFactory(HTTP3ServerConnectionFactory.class).getHTTP3Configuration();
	}

	private Server startServer(Http3Settings settings) throws Exception {
		Server server = startServer(settings, (httpConfiguration) -> {
		});
		this.servers.add(server);
		return server;
	}

	/**
	 * Starts a server with TLS on a free port. When HTTP/3 follows that port number, the same number may be taken
	 * over UDP: then try again with another one.
	 */
	private static Server startServer(Http3Settings settings, Consumer<HttpConfiguration> customizer) throws Exception {
		for (int attempt = 1;; attempt++) {
			Server server = newServer(certificate.newServerSslContextFactory());
			Http3Connectors.install(server, settings);
			customizer.accept(((ServerConnector) server.getConnectors()[0]).getConnectionFactory(
					HttpConnectionFactory.class).getHttpConfiguration());
			try {
				server.start();
				return server;
			}
			catch (Exception ex) {
				try {
					server.stop();
				}
				catch (Exception stopFailure) {
					ex.addSuppressed(stopFailure);
				}
				if (settings.port() != null || attempt == 3 || !(ex.getCause() instanceof BindException)) {
					throw ex;
				}
			}
		}
	}

	/** A stopped server with HTTP/3 installed, stopped after the test. */
	private Server install(Http3Settings settings) {
		return install(certificate.newServerSslContextFactory(), settings);
	}

	private Server install(SslContextFactory.Server ssl, Http3Settings settings) {
		Server server = newServer(ssl);
		Http3Connectors.install(server, settings);
		this.servers.add(server);
		return server;
	}

	private static Server newServer(SslContextFactory.Server ssl) {
		QueuedThreadPool threads = new QueuedThreadPool();
		threads.setName("server");
		Server server = new Server(threads);
		HttpConfiguration httpConfiguration = new HttpConfiguration();
		httpConfiguration.addCustomizer(new SecureRequestCustomizer());
		server.addConnector(newTlsConnector(server, ssl, httpConfiguration));
		server.setHandler(new ProtocolHandler());
		return server;
	}

	private static ServerConnector newTlsConnector(Server server, SslContextFactory.Server ssl,
			HttpConfiguration httpConfiguration) {
		HttpConnectionFactory http11 = new HttpConnectionFactory(httpConfiguration);
		HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(httpConfiguration);
		ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
		alpn.setDefaultProtocol(http11.getProtocol());
		SslConnectionFactory tls = new SslConnectionFactory(ssl, alpn.getProtocol());
		ServerConnector connector = new ServerConnector(server, 1, 1, tls, alpn, http2, http11);
		connector.setHost("127.0.0.1");
		connector.setPort(0);
		return connector;
	}

	private static void stopAll(LifeCycle... lifeCycles) throws Exception {
		Exception failure = null;
		for (LifeCycle lifeCycle : lifeCycles) {
			try {
				if (lifeCycle != null) {
					lifeCycle.stop();
				}
			}
			catch (Exception ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	/** Answers with the HTTP version the request arrived with, e.g. {@code HTTP/3.0}. */
	static final class ProtocolHandler extends Handler.Abstract.NonBlocking {

		@Override
		public boolean handle(Request request, Response response, Callback callback) {
			response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
			Content.Sink.write(response, true, request.getConnectionMetaData().getHttpVersion().asString(), callback);
			return true;
		}

	}

}
