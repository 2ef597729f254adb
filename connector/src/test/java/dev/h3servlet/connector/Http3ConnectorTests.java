package dev.h3servlet.connector;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.h3servlet.connector.testing.TestServers;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.test.JettyClientsExtension;
import dev.h3servlet.test.TestCertificate;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static dev.h3servlet.connector.testing.TestServers.TIMEOUT_SECONDS;
import static dev.h3servlet.connector.testing.TestServers.freeUdpPort;
import static dev.h3servlet.connector.testing.TestServers.http3;
import static dev.h3servlet.connector.testing.TestServers.newServer;
import static dev.h3servlet.connector.testing.TestServers.newTlsConnector;
import static dev.h3servlet.connector.testing.TestServers.send;
import static dev.h3servlet.test.LifeCycles.stopAll;
import static dev.h3servlet.connector.testing.TestServers.tlsPort;
import static dev.h3servlet.connector.testing.TestServers.uri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Tests for {@link Http3Connector} and {@link Http3Connectors} on a plain Jetty {@link Server} whose handler answers
 * with the protocol it saw, with Jetty's HTTP/1.1, HTTP/2 and HTTP/3 clients.
 */
@Tag(TestTransport.BOTH)
class Http3ConnectorTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	/** Request header size of the shared server, set after install: HTTP/3 must follow it at start. */
	private static final int SHARED_REQUEST_HEADER_SIZE = 6 * 1024;

	@TempDir
	static Path directory;

	static TestCertificate certificate;

	/** A server with default settings, shared by the tests that only send requests. */
	static Server shared;

	private final List<Server> servers = new ArrayList<>();

	@BeforeAll
	static void startSharedServerAndClients() throws Exception {
		certificate = TestCertificate.create(directory);
		shared = startServer(TestTransport.on(Http3Settings.defaults()),
				(httpConfiguration) -> httpConfiguration.setRequestHeaderSize(SHARED_REQUEST_HEADER_SIZE));
	}

	@AfterAll
	static void stopSharedServer() throws Exception {
		stopAll(shared);
	}

	@AfterEach
	void stopServers() throws Exception {
		stopAll(this.servers.toArray(new LifeCycle[0]));
	}

	@Test
	void http3RequestIsServedOverHttp3() throws Exception {
		ContentResponse response = clients.http3().newRequest(uri(tlsPort(shared))).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).send();
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
		ContentResponse response = send(clients.http11(), uri(tlsPort(shared)), HttpVersion.HTTP_1_1);
		assertThat(response.getHeaders().getValuesList(HttpHeader.ALT_SVC))
			.containsExactly("h3=\":" + http3(shared).getLocalPort() + "\"; ma=86400");
	}

	@Test
	void http2ResponseAdvertisesHttp3OnceWithoutJettysOwnHeader() throws Exception {
		ContentResponse response = send(clients.http2(), uri(tlsPort(shared)), HttpVersion.HTTP_2);
		assertThat(response.getHeaders().getValuesList(HttpHeader.ALT_SVC))
			.containsExactly("h3=\":" + http3(shared).getLocalPort() + "\"; ma=86400");
	}

	@Test
	void exactlyOneAltSvcCustomizerIsInstalled() {
		List<HttpConfiguration.Customizer> customizers = http3(shared).getHttpConfiguration().getCustomizers();
		assertThat(customizers).filteredOn(AltSvcCustomizer.class::isInstance).hasSize(1);
	}

	@Test
	void altSvcReachesHttp11AndHttp2WhenEachHasItsOwnConfiguration() throws Exception {
		int udpPort = freeUdpPort();
		Server server = new Server(new QueuedThreadPool());
		HttpConfiguration http11Configuration = new HttpConfiguration();
		http11Configuration.addCustomizer(new SecureRequestCustomizer());
		HttpConfiguration http2Configuration = new HttpConfiguration(http11Configuration);
		ServerConnector connector = TestServers.newTlsConnector(server, certificate.newServerSslContextFactory(),
				http11Configuration, http2Configuration);
		server.addConnector(connector);
		server.setHandler(new TestServers.ProtocolHandler());
		this.servers.add(server);
		Http3Connectors.install(server, TestTransport.settings().port(udpPort).build());
		server.start();
		String expected = "h3=\":" + udpPort + "\"; ma=86400";
		assertThat(send(clients.http11(), uri(connector.getLocalPort()), HttpVersion.HTTP_1_1).getHeaders()
			.getValuesList(HttpHeader.ALT_SVC)).containsExactly(expected);
		assertThat(send(clients.http2(), uri(connector.getLocalPort()), HttpVersion.HTTP_2).getHeaders()
			.getValuesList(HttpHeader.ALT_SVC)).containsExactly(expected);
	}

	@Test
	void http3ResponseDoesNotAdvertiseHttp3() throws Exception {
		ContentResponse response = send(clients.http3(), uri(tlsPort(shared)), HttpVersion.HTTP_3);
		assertThat(response.getHeaders().contains(HttpHeader.ALT_SVC)).isFalse();
	}

	@Test
	void explicitUdpPortIsUsedAndAdvertisedWithCustomMaxAge() throws Exception {
		int udpPort = freeUdpPort();
		Server server = startServer(TestTransport.settings().port(udpPort).altSvcMaxAge(Duration.ofMinutes(2)).build());
		assertThat(http3(server).getLocalPort()).isEqualTo(udpPort);
		send(clients.http3(), uri(udpPort), HttpVersion.HTTP_3);
		String expected = "h3=\":" + udpPort + "\"; ma=120";
		assertThat(send(clients.http11(), uri(tlsPort(server)), HttpVersion.HTTP_1_1).getHeaders().getValuesList(HttpHeader.ALT_SVC))
			.containsExactly(expected);
		assertThat(send(clients.http2(), uri(tlsPort(server)), HttpVersion.HTTP_2).getHeaders().getValuesList(HttpHeader.ALT_SVC))
			.containsExactly(expected);
	}

	@Test
	void altSvcNamesTheConfiguredPortInsteadOfTheListeners() throws Exception {
		Server server = startServer(TestTransport.settings().altSvcPort(443).build());
		int udpPort = http3(server).getLocalPort();
		assertThat(udpPort).isNotEqualTo(443);
		send(clients.http3(), uri(udpPort), HttpVersion.HTTP_3);
		assertThat(send(clients.http11(), uri(tlsPort(server)), HttpVersion.HTTP_1_1).getHeaders().getValuesList(HttpHeader.ALT_SVC))
			.containsExactly("h3=\":443\"; ma=86400");
		assertThat(send(clients.http2(), uri(tlsPort(server)), HttpVersion.HTTP_2).getHeaders().getValuesList(HttpHeader.ALT_SVC))
			.containsExactly("h3=\":443\"; ma=86400");
	}

	@Test
	void altSvcCanBeDisabled() throws Exception {
		Server server = startServer(TestTransport.settings().altSvcEnabled(false).build());
		assertThat(send(clients.http11(), uri(tlsPort(server)), HttpVersion.HTTP_1_1).getHeaders().contains(HttpHeader.ALT_SVC))
			.isFalse();
		assertThat(send(clients.http2(), uri(tlsPort(server)), HttpVersion.HTTP_2).getHeaders().contains(HttpHeader.ALT_SVC))
			.isFalse();
		send(clients.http3(), uri(http3(server).getLocalPort()), HttpVersion.HTTP_3);
		assertThat(http3(server).getHttpConfiguration().getCustomizers()).noneMatch(AltSvcCustomizer.class::isInstance);
	}

	@Test
	void maxRequestHeaderSizeLimitsHttp3Requests() throws Exception {
		Server server = startServer(TestTransport.settings().maxRequestHeaderSize(2048).build());
		URI uri = uri(http3(server).getLocalPort());
		assertThat(sendWithHeader(clients.http3(), uri, 512)).isEqualTo("200");
		if (TestTransport.is(Http3Transport.JETTY_QUICHE)) {
			// Jetty advertises the limit in its SETTINGS (max field section size); the client refuses to exceed it.
			assertThat(sendWithHeader(clients.http3(), uri, 4096)).contains("Max size exceeded").endsWith("> 2048");
		}
		else {
			// Netty's decoder would close the whole connection above the advertised size: the netty transport
			// advertises more and answers the one request with 431, as over HTTP/1.1 and HTTP/2.
			assertThat(sendWithHeader(clients.http3(), uri, 4096)).isEqualTo("431");
			assertThat(sendWithHeader(clients.http3(), uri, 512)).isEqualTo("200");
		}
	}

	@Test
	void maxRequestHeaderSizeFollowsTheHttpConfigurationByDefault() throws Exception {
		URI uri = uri(tlsPort(shared));
		assertThat(sendWithHeader(clients.http3(), uri, 4096)).isEqualTo("200");
		if (TestTransport.is(Http3Transport.JETTY_QUICHE)) {
			// 6144, not the client's own 8192: the server advertised the HttpConfiguration's value.
			assertThat(sendWithHeader(clients.http3(), uri, 8192)).contains("Max size exceeded")
				.endsWith("> " + SHARED_REQUEST_HEADER_SIZE);
		}
		else {
			// Above the HttpConfiguration's 6144, below the client's own limit of 8192.
			assertThat(sendWithHeader(clients.http3(), uri, 7000)).isEqualTo("431");
		}
	}

	@Test
	void installWithoutTlsConnectorNamesTheFix() {
		Server server = new Server();
		server.addConnector(new ServerConnector(server));
		assertThatIllegalStateException().isThrownBy(() -> Http3Connectors.install(server, TestTransport.on(Http3Settings.defaults())))
			.withMessageContaining("no TLS connector")
			.withMessageContaining("SslConnectionFactory");
	}

	@Test
	void installWithTwoTlsConnectorsNamesTheFix() {
		Server server = newServer(certificate.newServerSslContextFactory());
		server.addConnector(newTlsConnector(server, certificate.newServerSslContextFactory(), new HttpConfiguration()));
		assertThatIllegalStateException().isThrownBy(() -> Http3Connectors.install(server, TestTransport.on(Http3Settings.defaults())))
			.withMessageContaining("2 TLS connectors")
			.withMessageContaining("install(ServerConnector, Http3Settings)");
	}

	@Test
	void udpPortAlreadyBoundFailsStartNamingThePort() throws Exception {
		try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
			int port = taken.getLocalPort();
			Server server = install(TestTransport.settings().port(port).build());
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
		Server server = install(ssl, TestTransport.settings().port(udpPort).build());
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
		Server server = install(ssl, TestTransport.on(Http3Settings.defaults()));
		Exception failure = assertThrows(Exception.class, server::start);
		assertThat(failure).hasMessageContaining("no entry named 'missing'")
			.hasMessageContaining("certAlias")
			.hasMessageContaining("[" + TestCertificate.ALIAS + "]");
	}

	/** Sends an HTTP/3 request with a header of the given size: the status, or the failure's description. */
	static String sendWithHeader(HttpClient client, URI uri, int headerBytes) throws Exception {
		try {
			ContentResponse response = client.newRequest(uri)
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

	private static void assertUdpPortIsFree(int port) throws IOException {
		try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
			assertThat(socket.getLocalPort()).isEqualTo(port);
		}
	}

	private Server startServer(Http3Settings settings) throws Exception {
		Server server = startServer(settings, (httpConfiguration) -> {
		});
		this.servers.add(server);
		return server;
	}

	private static Server startServer(Http3Settings settings, Consumer<HttpConfiguration> customizer) throws Exception {
		return TestServers.startServer(certificate.newServerSslContextFactory(), settings, customizer);
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

}
