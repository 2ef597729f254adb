package dev.h3servlet.connector.testing;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3Connectors;
import dev.h3servlet.connector.Http3Settings;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
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
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain Jetty servers with a TLS connector (HTTP/1.1 and HTTP/2 on 127.0.0.1, any free port) whose handler answers
 * with the protocol it saw, for the connector's tests.
 */
public final class TestServers {

	public static final long TIMEOUT_SECONDS = 30;

	private TestServers() {
	}

	/** A stopped server with a TLS connector and the {@link ProtocolHandler}, without HTTP/3. */
	public static Server newServer(SslContextFactory.Server ssl) {
		QueuedThreadPool threads = new QueuedThreadPool();
		threads.setName("server");
		Server server = new Server(threads);
		HttpConfiguration httpConfiguration = new HttpConfiguration();
		httpConfiguration.addCustomizer(new SecureRequestCustomizer());
		server.addConnector(newTlsConnector(server, ssl, httpConfiguration));
		server.setHandler(new ProtocolHandler());
		return server;
	}

	/** A TLS connector (HTTP/1.1 and HTTP/2 with ALPN) on 127.0.0.1, any free port, with one configuration. */
	public static ServerConnector newTlsConnector(Server server, SslContextFactory.Server ssl,
			HttpConfiguration httpConfiguration) {
		return newTlsConnector(server, ssl, httpConfiguration, httpConfiguration);
	}

	/** A TLS connector as above whose HTTP/1.1 and HTTP/2 each have their own configuration. */
	public static ServerConnector newTlsConnector(Server server, SslContextFactory.Server ssl,
			HttpConfiguration http11Configuration, HttpConfiguration http2Configuration) {
		HttpConnectionFactory http11 = new HttpConnectionFactory(http11Configuration);
		HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(http2Configuration);
		ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
		alpn.setDefaultProtocol(http11.getProtocol());
		SslConnectionFactory tls = new SslConnectionFactory(ssl, alpn.getProtocol());
		ServerConnector connector = new ServerConnector(server, 1, 1, tls, alpn, http2, http11);
		connector.setHost("127.0.0.1");
		connector.setPort(0);
		return connector;
	}

	/**
	 * Starts a server with TLS on a free port and HTTP/3 installed. When HTTP/3 follows that port number, the same
	 * number may be taken over UDP: then try again with another one.
	 */
	public static Server startServer(SslContextFactory.Server ssl, Http3Settings settings,
			Consumer<HttpConfiguration> customizer) throws Exception {
		return start(ssl, settings, (server) -> customizer.accept(((ServerConnector) server.getConnectors()[0])
			.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration()));
	}

	/** Starts a server as above whose handler is the given one instead of the {@link ProtocolHandler}. */
	public static Server startServer(SslContextFactory.Server ssl, Http3Settings settings, Handler handler)
			throws Exception {
		return start(ssl, settings, (server) -> server.setHandler(handler));
	}

	private static Server start(SslContextFactory.Server ssl, Http3Settings settings, Consumer<Server> setup)
			throws Exception {
		for (int attempt = 1;; attempt++) {
			Server server = newServer(ssl);
			Http3Connectors.install(server, settings);
			setup.accept(server);
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
				if (settings.port() != null || attempt == 3 || !isBindFailure(ex)) {
					throw ex;
				}
			}
		}
	}

	private static boolean isBindFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof BindException) {
				return true;
			}
		}
		return false;
	}

	public static Http3Connector http3(Server server) {
		return server.getBean(Http3Connector.class);
	}

	public static int tlsPort(Server server) {
		return ((ServerConnector) http3(server).getTlsConnector()).getLocalPort();
	}

	public static URI uri(int port) {
		return URI.create("https://127.0.0.1:" + port + "/");
	}

	/** A UDP port number that was free a moment ago. */
	public static int freeUdpPort() throws IOException {
		try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
			return socket.getLocalPort();
		}
	}

	/** Sends a GET and checks it was answered 200 over the given version, as the handler saw it. */
	public static ContentResponse send(HttpClient client, URI uri, HttpVersion version) throws Exception {
		ContentResponse response = client.newRequest(uri).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).send();
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getVersion()).isEqualTo(version);
		assertThat(response.getContentAsString()).isEqualTo(version.asString());
		return response;
	}

	/** Answers with the HTTP version the request arrived with, e.g. {@code HTTP/3.0}. */
	public static final class ProtocolHandler extends Handler.Abstract.NonBlocking {

		@Override
		public boolean handle(Request request, Response response, Callback callback) {
			response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
			Content.Sink.write(response, true, request.getConnectionMetaData().getHttpVersion().asString(), callback);
			return true;
		}

	}

}
