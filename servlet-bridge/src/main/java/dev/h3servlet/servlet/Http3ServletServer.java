package dev.h3servlet.servlet;

import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3Connectors;
import dev.h3servlet.connector.Http3SecureRequestCustomizer;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.webtransport.WebTransportHandler;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Embeds Jetty serving servlets over HTTP/1.1 and HTTP/2 (TLS over TCP) and HTTP/3 (QUIC over UDP) on one port
 * number.
 * <pre>{@code
 * Server server = Http3ServletServer.builder()
 *     .keyStore(Path.of("server.p12"), "secret")
 *     .port(8443)
 *     .servlet("/hello/*", new HelloServlet())
 *     .start();
 * }</pre>
 */
public final class Http3ServletServer {

	private static final int BIND_ATTEMPTS = 5;

	private Http3ServletServer() {
	}

	public static Builder builder() {
		return new Builder();
	}

	/** The HTTP/3 connector of a server built here. */
	public static Http3Connector http3Connector(Server server) {
		return server.getContainedBeans(Http3Connector.class).stream().findFirst().orElseThrow(
				() -> new IllegalArgumentException(server + " has no HTTP/3 connector"));
	}

	/** The TLS (TCP) connector of a server built here. */
	public static ServerConnector tlsConnector(Server server) {
		for (Connector connector : server.getConnectors()) {
			if (connector instanceof ServerConnector tls && tls.getConnectionFactory(SslConnectionFactory.class) != null) {
				return tls;
			}
		}
		throw new IllegalArgumentException(server + " has no TLS connector");
	}

	/** Builds and starts the server; a builder is used once. */
	public static final class Builder {

		private SslContextFactory.Server sslContextFactory;

		private int port = 8443;

		private String host;

		private Http3Settings http3Settings = Http3Settings.defaults();

		private boolean http3 = true;

		private String contextPath = "/";

		private final List<Consumer<ServletContextHandler>> registrations = new ArrayList<>();

		private Consumer<HttpConfiguration> httpConfigurationCustomizer = (httpConfiguration) -> {
		};

		private ByteBufferPool byteBufferPool;

		private final List<Consumer<Server>> serverCustomizers = new ArrayList<>();

		private Builder() {
		}

		/** TLS from a PKCS12 or JKS key store holding the server's private key and certificate chain. */
		public Builder keyStore(Path keyStore, String password) {
			Objects.requireNonNull(keyStore, "keyStore");
			Objects.requireNonNull(password, "password");
			SslContextFactory.Server factory = new SslContextFactory.Server();
			factory.setKeyStorePath(keyStore.toString());
			factory.setKeyStorePassword(password);
			return sslContextFactory(factory);
		}

		/** TLS from a configured factory (client auth, trust store, alias...). */
		public Builder sslContextFactory(SslContextFactory.Server sslContextFactory) {
			this.sslContextFactory = Objects.requireNonNull(sslContextFactory, "sslContextFactory");
			return this;
		}

		/** Port number for TLS over TCP and, unless {@link Http3Settings#port()} says otherwise, QUIC over UDP. */
		public Builder port(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("port: " + port + " (expected: 0-65535; 0 for any free port)");
			}
			this.port = port;
			return this;
		}

		public Builder host(String host) {
			this.host = host;
			return this;
		}

		public Builder http3(Http3Settings settings) {
			this.http3Settings = Objects.requireNonNull(settings, "settings");
			this.http3 = true;
			return this;
		}

		/**
		 * The same server without its HTTP/3 connector: HTTP/1.1 and HTTP/2 only, e.g. to measure what HTTP/3 costs.
		 * The bridge stays in place (it passes other protocols through untouched); {@link #http3(Http3Settings)} turns
		 * HTTP/3 on again.
		 */
		public Builder withoutHttp3() {
			this.http3 = false;
			return this;
		}

		public Builder contextPath(String contextPath) {
			this.contextPath = Objects.requireNonNull(contextPath, "contextPath");
			return this;
		}

		/**
		 * A WebTransport endpoint at the path ({@link WebTransportServlet}); sessions are accepted only with
		 * {@code Http3Settings.webTransportEnabled()} in {@link #http3(Http3Settings)}.
		 * @param handlers the handler of a session from its CONNECT request, or {@code null} to refuse it
		 */
		public Builder webTransport(String path, Function<HttpServletRequest, WebTransportHandler> handlers) {
			return servlet(path, new WebTransportServlet(handlers));
		}

		public Builder servlet(String pathSpec, Servlet servlet) {
			Objects.requireNonNull(servlet, "servlet");
			return servlet(pathSpec, new ServletHolder(servlet));
		}

		public Builder servlet(String pathSpec, ServletHolder holder) {
			Objects.requireNonNull(pathSpec, "pathSpec");
			Objects.requireNonNull(holder, "holder");
			this.registrations.add((context) -> context.addServlet(holder, pathSpec));
			return this;
		}

		public Builder filter(String pathSpec, Filter filter) {
			Objects.requireNonNull(pathSpec, "pathSpec");
			Objects.requireNonNull(filter, "filter");
			this.registrations.add((context) -> context.addFilter(new FilterHolder(filter), pathSpec,
					EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC)));
			return this;
		}

		/** Any further set-up of the servlet context (listeners, error pages, init parameters). */
		public Builder context(Consumer<ServletContextHandler> customizer) {
			this.registrations.add(Objects.requireNonNull(customizer, "customizer"));
			return this;
		}

		/** Changes to the {@link HttpConfiguration} that all three protocols share. */
		public Builder httpConfiguration(Consumer<HttpConfiguration> customizer) {
			this.httpConfigurationCustomizer = Objects.requireNonNull(customizer, "customizer");
			return this;
		}

		/**
		 * The server's buffer pool, from which every connector (QUIC included) takes its buffers; unset, Jetty's
		 * default {@code ArrayByteBufferPool}. E.g. an {@code ArrayByteBufferPool.Tracking} to find buffer leaks.
		 */
		public Builder byteBufferPool(ByteBufferPool byteBufferPool) {
			this.byteBufferPool = Objects.requireNonNull(byteBufferPool, "byteBufferPool");
			return this;
		}

		/**
		 * Any further set-up of the built server before it starts, in the order given: its thread pool, a handler
		 * around the HTTP/3 bridge and the servlet context ({@code server.setHandler(new MyHandler(server.getHandler()))}),
		 * settings of its connectors ({@link #tlsConnector(Server)}, {@link #http3Connector(Server)}). Called again for
		 * each new attempt at a start.
		 */
		public Builder server(Consumer<Server> customizer) {
			this.serverCustomizers.add(Objects.requireNonNull(customizer, "customizer"));
			return this;
		}

		/**
		 * Builds the server and starts it. With port 0, TCP and UDP get the same free number; if the UDP one turns out
		 * to be taken, the start is retried on another number.
		 * @return the started server
		 * @throws Exception if the server cannot start
		 */
		public Server start() throws Exception {
			if (this.sslContextFactory == null) {
				throw new IllegalStateException("HTTP/3 needs TLS: give the builder a keyStore(..) or an "
						+ "sslContextFactory(..) with the server's private key and certificate");
			}
			for (int attempt = 1;; attempt++) {
				Server server = build();
				try {
					server.start();
					return server;
				}
				catch (Exception ex) {
					stopQuietly(server, ex);
					if (!(this.port == 0 && this.http3Settings.port() == null && isBindFailure(ex))
							|| attempt == BIND_ATTEMPTS) {
						throw ex;
					}
				}
			}
		}

		private Server build() {
			QueuedThreadPool threadPool = new QueuedThreadPool();
			threadPool.setName("h3servlet");
			Server server = new Server(threadPool, null, this.byteBufferPool);
			HttpConfiguration httpConfiguration = new HttpConfiguration();
			httpConfiguration.setSecureScheme("https");
			httpConfiguration.addCustomizer(new Http3SecureRequestCustomizer());
			this.httpConfigurationCustomizer.accept(httpConfiguration);
			HttpConnectionFactory http11 = new HttpConnectionFactory(httpConfiguration);
			HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(httpConfiguration);
			ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
			alpn.setDefaultProtocol(http11.getProtocol());
			SslConnectionFactory tls = new SslConnectionFactory(this.sslContextFactory, alpn.getProtocol());
			ServerConnector tlsConnector = new ServerConnector(server, tls, alpn, http2, http11);
			tlsConnector.setPort(this.port);
			tlsConnector.setHost(this.host);
			server.addConnector(tlsConnector);
			if (this.http3) {
				Http3Connectors.install(tlsConnector, this.http3Settings);
			}
			ServletContextHandler context = new ServletContextHandler(this.contextPath);
			this.registrations.forEach((registration) -> registration.accept(context));
			server.setHandler(new Http3BridgeHandler(context));
			this.serverCustomizers.forEach((customizer) -> customizer.accept(server));
			return server;
		}

		private static boolean isBindFailure(Throwable ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (cause instanceof BindException) {
					return true;
				}
			}
			return false;
		}

		private static void stopQuietly(Server server, Exception failure) {
			try {
				server.stop();
			}
			catch (Exception ex) {
				failure.addSuppressed(ex);
			}
		}

	}

}
