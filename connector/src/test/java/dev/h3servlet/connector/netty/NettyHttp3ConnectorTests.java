package dev.h3servlet.connector.netty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.connector.testing.TestServers;
import dev.h3servlet.test.JettyClientsExtension;
import dev.h3servlet.test.LifeCycles;
import dev.h3servlet.test.NettyHttp3Client;
import dev.h3servlet.test.TestCertificate;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.quic.QuicTransportParameters;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
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
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What is particular to the netty transport ({@link NettyHttp3Connector}): settings reaching Netty's QUIC codec, as a
 * client sees them in the server's transport parameters; the key kept off the disk; restarts; and address validation
 * with signed Retry tokens, tampered with on the wire by a {@link QuicRelay}. What both transports share is in
 * {@code Http3ConnectorTests}.
 */
class NettyHttp3ConnectorTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);

	@TempDir
	static Path directory;

	static TestCertificate certificate;

	private final List<LifeCycle> servers = new ArrayList<>();

	@BeforeAll
	static void createCertificate() throws Exception {
		certificate = TestCertificate.create(directory);
	}

	@AfterEach
	void stopServers() throws Exception {
		LifeCycles.stopAll(this.servers.toArray(new LifeCycle[0]));
	}

	@Test
	void settingsReachNettysQuicCodec() throws Exception {
		Server server = startServer(settings().idleTimeout(Duration.ofSeconds(40))
			.maxConcurrentStreams(50L)
			.sessionReceiveWindow(4L * 1024 * 1024)
			.streamReceiveWindow(512L * 1024)
			.udpReceiveBufferSize(1024 * 1024)
			.udpSendBufferSize(768 * 1024)
			.build());
		NettyHttp3Connector connector = (NettyHttp3Connector) http3(server);
		Channel channel = (Channel) connector.getTransport();
		assertThat(channel.config().getOption(ChannelOption.SO_RCVBUF)).isGreaterThanOrEqualTo(1024 * 1024);
		assertThat(channel.config().getOption(ChannelOption.SO_SNDBUF)).isGreaterThanOrEqualTo(768 * 1024);
		QuicTransportParameters parameters = serverParameters(connector.getLocalPort());
		assertThat(parameters.maxIdleTimeout()).isEqualTo(40_000);
		assertThat(parameters.initialMaxStreamsBidi()).isEqualTo(50);
		assertThat(parameters.initialMaxData()).isEqualTo(4L * 1024 * 1024);
		assertThat(parameters.initialMaxStreamDataBidiRemote()).isEqualTo(512L * 1024);
	}

	@Test
	void unsetSettingsTakeTheTransportsDefaults() throws Exception {
		Server server = startServer(settings().build());
		QuicTransportParameters parameters = serverParameters(http3(server).getLocalPort());
		assertThat(parameters.maxIdleTimeout()).isEqualTo(30_000);
		assertThat(parameters.initialMaxStreamsBidi()).isEqualTo(NettyHttp3Connector.DEFAULT_MAX_STREAMS);
		assertThat(parameters.initialMaxData()).isEqualTo(NettyHttp3Connector.DEFAULT_SESSION_WINDOW);
		assertThat(parameters.initialMaxStreamDataBidiRemote()).isEqualTo(NettyHttp3Connector.DEFAULT_STREAM_WINDOW);
		assertThat(http3(server).getHttp3Transport()).isEqualTo(Http3Transport.NETTY);
	}

	@Test
	void moreEventLoopsServeOnePortFromOneSocketEach() throws Exception {
		Server server = startServer(settings().eventLoops(3).build());
		NettyHttp3Connector connector = (NettyHttp3Connector) http3(server);
		List<NettyHttp3Client> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 8; i++) {
				clients.add(connect(connector.getLocalPort()));
			}
			for (NettyHttp3Client client : clients) {
				assertThat(client.send(NettyHttp3Client.Request.get("/")).bodyAsString()).isEqualTo("HTTP/3.0");
			}
			assertThat(connector.getStatistics().getOpenConnections()).isEqualTo(8);
		}
		finally {
			for (NettyHttp3Client client : clients) {
				client.close();
			}
		}
		assertThat(connector.sockets()).hasSize(3)
			.allSatisfy((channel) -> assertThat(((InetSocketAddress) channel.localAddress()).getPort())
				.isEqualTo(connector.getLocalPort()));
		assertThat(connector.sockets()).extracting((channel) -> channel.eventLoop()).doesNotHaveDuplicates();
	}

	@Test
	void aClientWhoseAddressChangesStaysOnItsConnectionWhicheverSocketItsPacketsReach() throws Exception {
		// With 4 sockets the kernel hashes a client's new port to any of them (3 times in 4 to another one than
		// before): the connection lives in the codec of the socket its handshake reached, and Netty's dispatcher hands
		// that codec the packets another socket reads. Without it, a moved client's next request fails. One move per
		// connection: Netty's client gives the server one spare connection ID, which a second move would need.
		Server server = startServer(settings().eventLoops(4).build());
		NettyHttp3Connector connector = (NettyHttp3Connector) http3(server);
		for (int i = 0; i < 6; i++) {
			try (QuicRelay relay = new QuicRelay(local(connector), QuicRelay.Mode.PASS, null);
					NettyHttp3Client client = connect(relay.address())) {
				assertThat(client.send(NettyHttp3Client.Request.get("/")).bodyAsString()).isEqualTo("HTTP/3.0");
				relay.rebind();
				assertThat(client.send(NettyHttp3Client.Request.get("/")).bodyAsString()).isEqualTo("HTTP/3.0");
			}
		}
	}

	@Test
	void theKeyNeverReachesTheDiskEvenWithAPemWorkDirectoryConfigured() throws Exception {
		Path pemDir = Files.createDirectory(directory.resolve("pem-unused"));
		Server server = startServer(settings().pemWorkDir(pemDir).build());
		try (NettyHttp3Client client = connect(http3(server).getLocalPort())) {
			assertThat(client.send(NettyHttp3Client.Request.get("/")).bodyAsString()).isEqualTo("HTTP/3.0");
		}
		assertThat(pemDir).isEmptyDirectory();
	}

	@Test
	void restartFollowsTheNewTlsPort() throws Exception {
		Server server = startServer(settings().build());
		int first = http3(server).getLocalPort();
		server.stop();
		assertThat(http3(server).getLocalPort()).isEqualTo(-1);
		server.start();
		assertThat(http3(server).getLocalPort()).isEqualTo(tlsPort(server)).isPositive();
		try (NettyHttp3Client client = connect(http3(server).getLocalPort())) {
			assertThat(client.send(NettyHttp3Client.Request.get("/")).bodyAsString()).isEqualTo("HTTP/3.0");
		}
		assertThat(send(clients.http2(), uri(tlsPort(server)), HttpVersion.HTTP_2).getHeaders().getValuesList(HttpHeader.ALT_SVC))
			.containsExactly("h3=\":" + tlsPort(server) + "\"; ma=86400");
		assertThat(first).isPositive();
	}

	@Test
	void retryTokensThatComeBackUntouchedLetTheClientIn() throws Exception {
		NettyHttp3Connector connector = startWithClock(Clock.systemUTC());
		try (QuicRelay relay = new QuicRelay(local(connector), QuicRelay.Mode.PASS, null);
				NettyHttp3Client client = connect(relay.address())) {
			assertThat(client.send(NettyHttp3Client.Request.get("/")).bodyAsString()).isEqualTo("HTTP/3.0");
			assertThat(relay.tokensSeen()).as("the client answered a Retry with its token").isPositive();
		}
		assertThat(connector.getRejectedRetryTokens()).isZero();
	}

	@Test
	void aRetryTokenSentFromAnotherPortIsRefused() throws Exception {
		NettyHttp3Connector connector = startWithClock(Clock.systemUTC());
		try (QuicRelay relay = new QuicRelay(local(connector), QuicRelay.Mode.MOVE, null)) {
			assertRefused(connector, relay);
		}
	}

	@Test
	void aForgedRetryTokenIsRefused() throws Exception {
		NettyHttp3Connector connector = startWithClock(Clock.systemUTC());
		try (QuicRelay relay = new QuicRelay(local(connector), QuicRelay.Mode.FORGE, null)) {
			assertRefused(connector, relay);
		}
	}

	@Test
	void aStaleRetryTokenIsRefused() throws Exception {
		RetryTokensTests.MutableClock clock = new RetryTokensTests.MutableClock(Instant.now());
		NettyHttp3Connector connector = startWithClock(clock);
		// The token comes back after the server's clock moved past its lifetime.
		try (QuicRelay relay = new QuicRelay(local(connector), QuicRelay.Mode.PASS,
				() -> clock.advance(RetryTokens.DEFAULT_LIFETIME.plusSeconds(5)))) {
			assertRefused(connector, relay);
		}
	}

	private static void assertRefused(NettyHttp3Connector connector, QuicRelay relay) throws IOException {
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> connect(relay.address()).close());
		assertThat(relay.tokensSeen()).isPositive();
		assertThat(connector.getRejectedRetryTokens()).as("tokens refused").isPositive();
		assertThat(connector.getStatistics().getOpenConnections()).isZero();
	}

	private NettyHttp3Connector startWithClock(Clock clock) throws Exception {
		SslContextFactory.Server ssl = certificate.newServerSslContextFactory();
		Server server = TestServers.newServer(ssl);
		ServerConnector tls = (ServerConnector) server.getConnectors()[0];
		NettyHttp3Connector connector = new NettyHttp3Connector(server, tls, ssl,
				tls.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration(),
				settings().port(0).build(), new RetryTokens(RetryTokens.DEFAULT_LIFETIME, clock));
		server.addConnector(connector);
		this.servers.add(server);
		server.start();
		return connector;
	}

	private static InetSocketAddress local(NettyHttp3Connector connector) {
		return new InetSocketAddress("127.0.0.1", connector.getLocalPort());
	}

	private static QuicTransportParameters serverParameters(int port) throws IOException {
		try (NettyHttp3Client client = connect(new InetSocketAddress("127.0.0.1", port))) {
			return client.quicChannel().peerTransportParameters();
		}
	}

	private static NettyHttp3Client connect(int port) throws IOException {
		return connect(new InetSocketAddress("127.0.0.1", port));
	}

	private static NettyHttp3Client connect(InetSocketAddress address) throws IOException {
		return NettyHttp3Client.connect(address, certificate.certificate(), HANDSHAKE_TIMEOUT);
	}

	private static Http3Settings.Builder settings() {
		return Http3Settings.builder().transport(Http3Transport.NETTY);
	}

	private Server startServer(Http3Settings settings) throws Exception {
		Server server = TestServers.startServer(certificate.newServerSslContextFactory(), settings, (config) -> {
		});
		this.servers.add(server);
		return server;
	}

}
