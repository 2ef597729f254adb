package dev.h3servlet.test;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http3.api.Session;
import org.eclipse.jetty.http3.api.Stream;
import org.eclipse.jetty.http3.client.HTTP3Client;
import org.eclipse.jetty.http3.client.HTTP3ClientQuicConfiguration;
import org.eclipse.jetty.http3.frames.DataFrame;
import org.eclipse.jetty.http3.frames.HeadersFrame;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.quic.quiche.client.QuicheClientQuicConfiguration;
import org.eclipse.jetty.quic.quiche.client.QuicheTransport;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty's frame-level HTTP/3 client, trusting any server certificate, for what {@code HttpClient} cannot do (reset a
 * stream mid-upload, end a request after its field section, watch GOAWAY frames). Shared by the servlet-bridge and
 * Spring Boot starter tests through connector's test-jar.
 */
public final class RawHttp3Client implements AutoCloseable {

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

	public static RawHttp3Client start() throws Exception {
		return new RawHttp3Client();
	}

	/** Opens an HTTP/3 session (a QUIC connection) to 127.0.0.1 on the given UDP port. */
	public Session.Client connect(int port, Session.Client.Listener listener) throws Exception {
		CompletableFuture<Session.Client> session = new CompletableFuture<>();
		this.client.connect(new QuicheTransport(this.quic), new InetSocketAddress("127.0.0.1", port), listener,
				Promise.Invocable.toPromise(session));
		return session.get(30, TimeUnit.SECONDS);
	}

	/** Opens a request stream on the session; {@code last} says whether the field section ends the request. */
	public static Exchange request(Session.Client session, String method, URI uri, boolean last) throws Exception {
		return request(session, method, uri, HttpFields.EMPTY, last);
	}

	/** Opens a request stream with the given header fields, sent as they are (a Content-Length is not checked). */
	public static Exchange request(Session.Client session, String method, URI uri, HttpFields fields, boolean last)
			throws Exception {
		MetaData.Request request = new MetaData.Request(method, HttpURI.from(uri), HttpVersion.HTTP_3, fields, -1);
		Exchange exchange = new Exchange();
		CompletableFuture<Stream> stream = new CompletableFuture<>();
		session.newRequest(new HeadersFrame(request, last), exchange, Promise.Invocable.toPromise(stream));
		exchange.stream = stream.get(30, TimeUnit.SECONDS);
		return exchange;
	}

	@Override
	public void close() throws Exception {
		this.client.stop();
	}

	/**
	 * One request stream, seen from the client: the response's field section when it comes, its body (UTF-8) when
	 * its end comes, and the error code if the stream fails.
	 */
	public static final class Exchange implements Stream.Client.Listener {

		public final CompletableFuture<MetaData.Response> head = new CompletableFuture<>();

		public final CompletableFuture<String> body = new CompletableFuture<>();

		public final CompletableFuture<Long> failure = new CompletableFuture<>();

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		private volatile Stream stream;

		@Override
		public void onResponse(Stream.Client stream, HeadersFrame frame) {
			this.head.complete((MetaData.Response) frame.getMetaData());
			stream.demand();
		}

		@Override
		public void onDataAvailable(Stream.Client stream) {
			Content.Chunk chunk = stream.read();
			if (chunk == null) {
				stream.demand();
				return;
			}
			this.bytes.writeBytes(BufferUtil.toArray(chunk.getByteBuffer()));
			boolean last = chunk.isLast();
			chunk.release();
			if (last) {
				this.body.complete(this.bytes.toString(StandardCharsets.UTF_8));
			}
			else {
				stream.demand();
			}
		}

		@Override
		public void onFailure(Stream.Client stream, long error, Throwable failure) {
			this.failure.complete(error);
			this.body.completeExceptionally(failure);
		}

		/** Sends a DATA frame with the bytes, the last one of the request if {@code last}. */
		public void sendData(byte[] bytes, boolean last) throws Exception {
			CompletableFuture<Stream> sent = new CompletableFuture<>();
			this.stream.data(new DataFrame(ByteBuffer.wrap(bytes), last), Promise.Invocable.toPromise(sent));
			sent.get(30, TimeUnit.SECONDS);
		}

		/** Ends the request stream with an empty, last DATA frame. */
		public void endRequest() throws Exception {
			CompletableFuture<Stream> sent = new CompletableFuture<>();
			this.stream.data(new DataFrame(ByteBuffer.allocate(0), true), Promise.Invocable.toPromise(sent));
			sent.get(30, TimeUnit.SECONDS);
		}

	}

}
