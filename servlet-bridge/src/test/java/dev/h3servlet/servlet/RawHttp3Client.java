package dev.h3servlet.servlet;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http3.api.Session;
import org.eclipse.jetty.http3.client.HTTP3Client;
import org.eclipse.jetty.http3.client.HTTP3ClientQuicConfiguration;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.quic.quiche.client.QuicheClientQuicConfiguration;
import org.eclipse.jetty.quic.quiche.client.QuicheTransport;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty's frame-level HTTP/3 client, trusting any server certificate, for what {@code HttpClient} cannot do (reset a
 * stream mid-upload, watch GOAWAY frames).
 */
final class RawHttp3Client implements AutoCloseable {

	private final QuicheClientQuicConfiguration quic;

	private final HTTP3Client client;

	private RawHttp3Client() throws Exception {
		this.quic = HTTP3ClientQuicConfiguration.configure(new QuicheClientQuicConfiguration());
		ClientConnector connector = new ClientConnector();
		connector.setSslContextFactory(new SslContextFactory.Client(true));
		QueuedThreadPool threads = new QueuedThreadPool();
		threads.setName("client-raw-h3");
		connector.setExecutor(threads);
		this.client = new HTTP3Client(this.quic, connector);
		this.client.start();
	}

	static RawHttp3Client start() throws Exception {
		return new RawHttp3Client();
	}

	/** Opens an HTTP/3 session (a QUIC connection) to 127.0.0.1 on the given UDP port. */
	Session.Client connect(int port, Session.Client.Listener listener) throws Exception {
		CompletableFuture<Session.Client> session = new CompletableFuture<>();
		this.client.connect(new QuicheTransport(this.quic), new InetSocketAddress("127.0.0.1", port), listener,
				Promise.Invocable.toPromise(session));
		return session.get(30, TimeUnit.SECONDS);
	}

	@Override
	public void close() throws Exception {
		this.client.stop();
	}

}
