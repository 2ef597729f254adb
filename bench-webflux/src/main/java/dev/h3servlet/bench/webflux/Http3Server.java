package dev.h3servlet.bench.webflux;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import javax.net.ssl.KeyManagerFactory;

import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.ChannelBindException;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http3SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.web.server.WebServerSslBundle;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.stereotype.Component;

/**
 * Serves the application's {@link HttpHandler} over HTTP/3: a second Reactor Netty {@link HttpServer}, with
 * {@link HttpProtocol#HTTP3} on UDP, next to the HTTP/1.1 + HTTP/2 server that Spring Boot starts. Spring Boot 4.0
 * cannot switch its own Reactor Netty server to HTTP/3 ({@code NettyReactiveWebServerFactory} offers HTTP/1.1, h2 and
 * h2c only), so this is what a Spring user adds to get HTTP/3 from WebFlux.
 * <p>
 * It starts after Boot's web server and binds the same address and port number (so {@code server.port=0} is followed);
 * if that UDP port is taken it binds a port of its own, see {@link #port()}. TLS comes from the web server's own
 * configuration ({@code server.ssl.*} or an SSL bundle). Its QUIC settings match the h3servlet connector's defaults in
 * the bench: 24 MiB per connection, 16 MiB per stream, {@value #MAX_STREAMS} concurrent request streams, 120 s idle
 * timeout, and a Retry (address validation) before a connection is accepted.
 */
@Component
final class Http3Server implements SmartLifecycle {

	static final long MAX_DATA = 24 * 1024 * 1024;

	static final long MAX_STREAM_DATA = 16 * 1024 * 1024;

	static final long MAX_STREAMS = 256;

	static final Duration IDLE_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final Log logger = LogFactory.getLog(Http3Server.class);

	private final HttpHandler httpHandler;

	private final NettyReactiveWebServerFactory webServerFactory;

	private final WebServerApplicationContext context;

	private volatile @Nullable DisposableServer server;

	Http3Server(HttpHandler httpHandler, NettyReactiveWebServerFactory webServerFactory,
			WebServerApplicationContext context) {
		this.httpHandler = httpHandler;
		this.webServerFactory = webServerFactory;
		this.context = context;
	}

	@Override
	public void start() {
		int tlsPort = this.context.getWebServer().getPort();
		HttpServer http3 = createHttpServer();
		try {
			this.server = http3.port(tlsPort).bindNow(BIND_TIMEOUT);
		}
		catch (ChannelBindException ex) {
			logger.warn("UDP port " + tlsPort + " is taken (" + ex.getMessage() + "): HTTP/3 binds a port of its own");
			this.server = http3.port(0).bindNow(BIND_TIMEOUT);
		}
	}

	private HttpServer createHttpServer() {
		SslBundle ssl = WebServerSslBundle.get(this.webServerFactory.getSsl(), this.webServerFactory.getSslBundles());
		KeyManagerFactory keyManagers = ssl.getManagers().getKeyManagerFactory();
		Http3SslContextSpec sslContext = Http3SslContextSpec.forServer(keyManagers, ssl.getKey().getPassword());
		InetAddress address = this.webServerFactory.getAddress();
		return HttpServer.create()
			.host((address != null) ? address.getHostAddress() : "0.0.0.0")
			.protocol(HttpProtocol.HTTP3)
			.secure((spec) -> spec.sslContext(sslContext))
			.http3Settings((spec) -> spec.maxData(MAX_DATA)
				.maxStreamDataBidirectionalLocal(MAX_STREAM_DATA)
				.maxStreamDataBidirectionalRemote(MAX_STREAM_DATA)
				.maxStreamsBidirectional(MAX_STREAMS)
				.idleTimeout(IDLE_TIMEOUT)
				.tokenHandler(InsecureQuicTokenHandler.INSTANCE))
			.handle(new ReactorHttpHandlerAdapter(this.httpHandler));
	}

	@Override
	public void stop() {
		DisposableServer server = this.server;
		if (server != null) {
			this.server = null;
			server.disposeNow(STOP_TIMEOUT);
		}
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

	/** After Boot's web server has started ({@code WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE}). */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

	/** The UDP port HTTP/3 listens on, once started. */
	int port() {
		DisposableServer server = this.server;
		if (server == null) {
			throw new IllegalStateException("HTTP/3 server not started");
		}
		return ((InetSocketAddress) server.address()).getPort();
	}

}
