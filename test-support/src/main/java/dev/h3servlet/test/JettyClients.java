package dev.h3servlet.test;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.http3.client.HTTP3Client;
import org.eclipse.jetty.http3.client.HTTP3ClientQuicConfiguration;
import org.eclipse.jetty.http3.client.transport.HttpClientTransportOverHTTP3;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.quic.quiche.client.QuicheClientQuicConfiguration;
import org.eclipse.jetty.quic.quiche.client.QuicheTransport;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty {@link HttpClient}s for each protocol, trusting any server certificate (tests use self-signed ones). They
 * are API-level clients: they share Jetty's stack, so they prove nothing about interoperability.
 */
public final class JettyClients {

	private JettyClients() {
	}

	/** A started HTTP/3 client. */
	public static HttpClient http3() throws Exception {
		QuicheClientQuicConfiguration quic = HTTP3ClientQuicConfiguration.configure(new QuicheClientQuicConfiguration());
		return http3(quic, new SslContextFactory.Client(true));
	}

	/** A started HTTP/3 client with the given QUIC configuration and TLS factory (client certificates). */
	public static HttpClient http3(QuicheClientQuicConfiguration quic, SslContextFactory.Client ssl) throws Exception {
		ClientConnector connector = new ClientConnector();
		connector.setSslContextFactory(ssl);
		HTTP3Client http3 = new HTTP3Client(quic, connector);
		return start(new HttpClient(new HttpClientTransportOverHTTP3(http3, new QuicheTransport(quic))), "h3");
	}

	/** A started HTTP/2 (over TLS) client. */
	public static HttpClient http2() throws Exception {
		ClientConnector connector = new ClientConnector();
		connector.setSslContextFactory(new SslContextFactory.Client(true));
		return start(new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector))), "h2");
	}

	/** A started HTTP/1.1 (over TLS) client. */
	public static HttpClient http11() throws Exception {
		ClientConnector connector = new ClientConnector();
		connector.setSslContextFactory(new SslContextFactory.Client(true));
		return start(new HttpClient(new HttpClientTransportOverHTTP(connector)), "h1");
	}

	private static HttpClient start(HttpClient client, String name) throws Exception {
		QueuedThreadPool threads = new QueuedThreadPool();
		threads.setName("client-" + name);
		client.setExecutor(threads);
		client.start();
		return client;
	}

}
