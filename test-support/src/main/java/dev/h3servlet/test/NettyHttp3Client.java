package dev.h3servlet.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionPathStats;
import io.netty.handler.codec.quic.QuicConnectionStats;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicTransportParameters;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;

import static dev.h3servlet.test.NettyFutures.await;

/**
 * A small blocking HTTP/3 client on Netty's QUIC and HTTP/3 codecs (quiche through netty-codec-native-quic), which
 * share no code with Jetty. One instance is one QUIC connection ({@link QuicChannel}) on its own event loop; every
 * request is a new bidirectional request stream on it, so requests sent at the same time are multiplexed.
 * <p>
 * The client trusts only the certificate it is given, and checks that it names the host or address connected to.
 * Request bodies are streamed in chunks as fast as the stream's
 * QUIC flow control allows (Netty's stream writability follows quiche's stream capacity). Every wait is bounded by
 * the client's timeout.
 * <pre>{@code
 * try (NettyHttp3Client client = NettyHttp3Client.connect(address, certificate)) {
 *     NettyHttp3Client.Response response = client.send(NettyHttp3Client.Request.get("/hello"));
 * }
 * }</pre>
 */
public final class NettyHttp3Client implements AutoCloseable {

	/** Bytes the server may send on the whole connection before the client grants more. */
	public static final long INITIAL_MAX_DATA = 16 * 1024 * 1024;

	/** Bytes the server may send on one request stream (a response) before the client grants more. */
	public static final long INITIAL_MAX_STREAM_DATA = 4 * 1024 * 1024;

	private static final int CHUNK_SIZE = 32 * 1024;

	private static final int MAX_CHUNKS_PER_TURN = 64;

	private final EventLoopGroup group;

	private final Channel datagramChannel;

	private final QuicChannel quicChannel;

	private final String authority;

	private final Duration timeout;

	private NettyHttp3Client(EventLoopGroup group, Channel datagramChannel, QuicChannel quicChannel, String authority,
			Duration timeout) {
		this.group = group;
		this.datagramChannel = datagramChannel;
		this.quicChannel = quicChannel;
		this.authority = authority;
		this.timeout = timeout;
	}

	/** Connects with a 30 second timeout for the handshake and for every request. */
	public static NettyHttp3Client connect(InetSocketAddress server, X509Certificate trusted) throws IOException {
		return connect(server, trusted, Duration.ofSeconds(30));
	}

	/**
	 * Opens a QUIC connection (ALPN {@code h3}) to the server from a fresh UDP socket on the loopback address.
	 * @param server the server's UDP address
	 * @param trusted the only certificate the client trusts
	 * @param timeout bound for the handshake, for each request and for the QUIC idle timeout
	 * @return a connected client
	 * @throws IOException if the connection cannot be established in time
	 */
	public static NettyHttp3Client connect(InetSocketAddress server, X509Certificate trusted, Duration timeout)
			throws IOException {
		return connect(server, trusted, timeout, INITIAL_MAX_STREAM_DATA);
	}

	/**
	 * Opens a QUIC connection as {@link #connect(InetSocketAddress, X509Certificate, Duration)} does, letting the
	 * server send at most {@code initialMaxStreamData} bytes of a response before the client reads them (a small
	 * window bounds what a server sends before a client that stops reading is noticed).
	 */
	public static NettyHttp3Client connect(InetSocketAddress server, X509Certificate trusted, Duration timeout,
			long initialMaxStreamData) throws IOException {
		return connect(server, new InetSocketAddress(server.getAddress(), 0), trusted, timeout, initialMaxStreamData);
	}

	/**
	 * Opens a QUIC connection as {@link #connect(InetSocketAddress, X509Certificate, Duration)} does, from a UDP
	 * socket bound to {@code local} (e.g. one of several addresses of a client host in a network namespace).
	 */
	public static NettyHttp3Client connect(InetSocketAddress server, InetSocketAddress local, X509Certificate trusted,
			Duration timeout, long initialMaxStreamData) throws IOException {
		Objects.requireNonNull(server, "server");
		Objects.requireNonNull(local, "local");
		Objects.requireNonNull(trusted, "trusted");
		Objects.requireNonNull(timeout, "timeout");
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("netty-h3-client", true),
				NioIoHandler.newFactory());
		Channel datagramChannel = null;
		try {
			ChannelHandler codec = NettyFutures.h3ClientCodec(server, trusted, timeout)
				.initialMaxData(INITIAL_MAX_DATA)
				.initialMaxStreamDataBidirectionalLocal(initialMaxStreamData)
				.build();
			datagramChannel = await(new Bootstrap().group(group)
				.channel(NioDatagramChannel.class)
				.handler(codec)
				.bind(local), timeout, "bind a UDP socket to " + local).channel();
			QuicChannel quicChannel = await(QuicChannel.newBootstrap(datagramChannel)
				.handler(new Http3ClientConnectionHandler())
				.remoteAddress(server)
				.connect(), timeout, "complete the QUIC handshake with " + server).getNow();
			String authority = server.getHostString() + ":" + server.getPort();
			return new NettyHttp3Client(group, datagramChannel, quicChannel, authority, timeout);
		}
		catch (IOException | RuntimeException ex) {
			if (datagramChannel != null) {
				// Closed before the event loop stops, so that the QUIC codec releases its native buffers even when
				// the handshake's promise was cancelled half-way (a refused connection): the leak detector saw them.
				datagramChannel.close().awaitUninterruptibly(timeout.toMillis());
			}
			shutdown(group, timeout, ex);
			throw ex;
		}
	}

	/** The protocol the TLS handshake inside QUIC agreed on with ALPN ({@code h3} for HTTP/3). */
	public String applicationProtocol() {
		return this.quicChannel.sslEngine().getApplicationProtocol();
	}

	/** The client's UDP address: the server sees it as the remote address of every request of this client. */
	public InetSocketAddress localAddress() {
		return (InetSocketAddress) this.datagramChannel.localAddress();
	}

	/** The QUIC connection all requests of this client share. */
	public QuicChannel quicChannel() {
		return this.quicChannel;
	}

	/**
	 * What QUIC says about this connection, for failure messages: the server's transport parameters (its flow-control
	 * windows), packet and loss counts, and the path's round-trip time and congestion window.
	 */
	public String diagnostics() {
		StringBuilder text = new StringBuilder();
		QuicTransportParameters peer = this.quicChannel.peerTransportParameters();
		if (peer != null) {
			text.append("server transport parameters: initial_max_data=").append(peer.initialMaxData())
				.append(", initial_max_stream_data_bidi_remote=").append(peer.initialMaxStreamDataBidiRemote())
				.append(", initial_max_streams_bidi=").append(peer.initialMaxStreamsBidi())
				.append(", max_idle_timeout=").append(peer.maxIdleTimeout()).append("; ");
		}
		try {
			QuicConnectionStats stats = this.quicChannel.collectStats().get(5, TimeUnit.SECONDS);
			text.append("packets sent=").append(stats.sent()).append(" received=").append(stats.recv())
				.append(" lost=").append(stats.lost()).append(" retransmitted=").append(stats.retrans())
				.append(", bytes sent=").append(stats.sentBytes()).append(" received=").append(stats.recvBytes())
				.append(" lost=").append(stats.lostBytes()).append("; ");
			QuicConnectionPathStats path = this.quicChannel.collectPathStats(0).get(5, TimeUnit.SECONDS);
			text.append("path rtt=").append(TimeUnit.NANOSECONDS.toMicros(path.rtt())).append(" us cwnd=")
				.append(path.cwnd()).append(" delivery rate=").append(path.deliveryRate()).append(" B/s");
		}
		catch (ExecutionException | TimeoutException ex) {
			text.append("no statistics (").append(ex).append(")");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			text.append("no statistics (interrupted)");
		}
		return text.toString();
	}

	/** Sends a request and waits, at most the client's timeout, for the whole response. */
	public Response send(Request request) throws IOException {
		Exchange exchange = new Exchange(request, this.authority);
		start(exchange);
		try {
			return exchange.result.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			String progress = exchange.describe();
			exchange.cancel();
			throw new IOException("No complete response in " + this.timeout + ": " + progress + "; " + diagnostics(),
					ex);
		}
		catch (ExecutionException ex) {
			throw new IOException(request + " failed: " + exchange.describe(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			exchange.cancel();
			throw new IOException("Interrupted while waiting for " + request, ex);
		}
	}

	/**
	 * Sends a request on a new stream of this connection without waiting; callers bound their wait on the returned
	 * future.
	 */
	public CompletableFuture<Response> sendAsync(Request request) {
		Exchange exchange = new Exchange(request, this.authority);
		start(exchange);
		return exchange.result;
	}

	private void start(Exchange exchange) {
		Http3.newRequestStream(this.quicChannel, exchange).addListener((Future<QuicStreamChannel> future) -> {
			if (future.isSuccess()) {
				exchange.start(future.getNow());
			}
			else {
				exchange.result.completeExceptionally(future.cause());
			}
		});
	}

	/** Closes the QUIC connection (application error 0, H3_NO_ERROR is 0x100) and stops the event loop. */
	@Override
	public void close() throws IOException {
		IOException failure = null;
		try {
			await(this.quicChannel.close(true, 0x100, Unpooled.EMPTY_BUFFER), this.timeout, "close the QUIC connection");
			await(this.datagramChannel.close(), this.timeout, "close the UDP socket");
		}
		catch (IOException ex) {
			failure = ex;
		}
		shutdown(this.group, this.timeout, failure);
		if (failure != null) {
			throw failure;
		}
	}

	private static void shutdown(EventLoopGroup group, Duration timeout, Exception failure) throws IOException {
		try {
			await(group.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS), timeout,
					"stop the client's event loop");
		}
		catch (IOException ex) {
			if (failure == null) {
				throw ex;
			}
			failure.addSuppressed(ex);
		}
	}

	/**
	 * A request: method, path, extra header fields and an optional body. The body is read on the client's event loop,
	 * so it must not block (an in-memory or generated stream).
	 */
	public static final class Request {

		private final String method;

		private final String path;

		private final Map<String, String> headers = new LinkedHashMap<>();

		private InputStream body;

		private long contentLength = -1;

		private Consumer<ByteBuffer> responseContent;

		private Request(String method, String path) {
			this.method = Objects.requireNonNull(method, "method");
			this.path = Objects.requireNonNull(path, "path");
		}

		public static Request get(String path) {
			return new Request("GET", path);
		}

		/** A POST whose body is read from the stream and sent with a {@code content-length} of the given size. */
		public static Request post(String path, InputStream body, long contentLength) {
			Request request = new Request("POST", path);
			request.body = Objects.requireNonNull(body, "body");
			if (contentLength < 0) {
				throw new IllegalArgumentException("contentLength: " + contentLength + " (expected: >= 0)");
			}
			request.contentLength = contentLength;
			return request;
		}

		/** Adds a header field; HTTP/3 field names are lower case. */
		public Request header(String name, String value) {
			Objects.requireNonNull(name, "name");
			Objects.requireNonNull(value, "value");
			this.headers.put(name.toLowerCase(Locale.ROOT), value);
			return this;
		}

		/**
		 * Hands the response body to the consumer as it arrives instead of keeping it: the {@link Response} then has an
		 * empty body (for large downloads). The consumer is called on the client's event loop, must not block, and may
		 * read each buffer only during the call; an exception it throws fails the request.
		 */
		public Request onResponseContent(Consumer<ByteBuffer> consumer) {
			this.responseContent = Objects.requireNonNull(consumer, "consumer");
			return this;
		}

		@Override
		public String toString() {
			return this.method + " " + this.path;
		}

	}

	/**
	 * A complete response: status, header fields (names in lower case) and body (empty when the request had a
	 * {@link Request#onResponseContent} consumer).
	 */
	public static final class Response {

		private final int status;

		private final Map<String, List<String>> headers;

		private final byte[] body;

		private Response(int status, Map<String, List<String>> headers, byte[] body) {
			this.status = status;
			this.headers = headers;
			this.body = body;
		}

		public int status() {
			return this.status;
		}

		public Map<String, List<String>> headers() {
			return this.headers;
		}

		/** The first value of a header field, or {@code null}. */
		public String header(String name) {
			List<String> values = this.headers.get(name.toLowerCase(Locale.ROOT));
			return (values != null && !values.isEmpty()) ? values.get(0) : null;
		}

		public byte[] body() {
			return this.body.clone();
		}

		public String bodyAsString() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

		@Override
		public String toString() {
			return "Response{status=" + this.status + ", headers=" + this.headers + ", body=" + this.body.length
					+ " bytes}";
		}

	}

	/** One request/response on one request stream; everything but {@link #describe()} runs on the event loop. */
	private static final class Exchange extends Http3RequestStreamInboundHandler {

		private final Request request;

		private final String authority;

		private final CompletableFuture<Response> result = new CompletableFuture<>();

		private final ByteArrayOutputStream responseBody = new ByteArrayOutputStream();

		private volatile QuicStreamChannel stream;

		private volatile long bodyBytesSent;

		private volatile long responseBytesReceived;

		private volatile boolean requestComplete;

		private Http3Headers responseHeaders;

		/** The request's last frame written so far (the event loop's only). */
		private ChannelFuture lastWrite;

		Exchange(Request request, String authority) {
			this.request = request;
			this.authority = authority;
		}

		void start(QuicStreamChannel stream) {
			this.stream = stream;
			Http3Headers headers = new DefaultHttp3Headers().method(this.request.method)
				.scheme("https")
				.authority(this.authority)
				.path(this.request.path);
			this.request.headers.forEach(headers::add);
			if (this.request.body == null) {
				this.requestComplete = true;
				// The FIN once quiche took the whole field section, from the write's listener: that runs inside the
				// flush, before quiche builds the packet, so the field section and the FIN still leave in one STREAM
				// frame, as browsers send a GET. A FIN asked for at once could end the stream inside the HEADERS frame
				// when the congestion window holds part of it back (Netty's stream channel does not wait for earlier
				// bytes), and the server would rightly close the connection with H3_FRAME_ERROR.
				stream.writeAndFlush(new DefaultHttp3HeadersFrame(headers)).addListener((written) -> {
					failOnError(written);
					if (written.isSuccess()) {
						stream.shutdownOutput().addListener(this::failOnError);
					}
				});
				return;
			}
			headers.setLong("content-length", this.request.contentLength);
			this.lastWrite = stream.write(new DefaultHttp3HeadersFrame(headers)).addListener(this::failOnError);
			pump();
		}

		/** Writes body chunks while the stream has QUIC send capacity; resumes on writability changes. */
		private void pump() {
			QuicStreamChannel stream = this.stream;
			if (this.requestComplete || this.result.isDone() || !stream.isActive()) {
				return;
			}
			for (int chunks = 0; chunks < MAX_CHUNKS_PER_TURN && stream.isWritable(); chunks++) {
				ByteBuf chunk = stream.alloc().buffer(CHUNK_SIZE);
				int read;
				try {
					read = chunk.writeBytes(this.request.body, CHUNK_SIZE);
				}
				catch (IOException | RuntimeException ex) {
					chunk.release();
					this.result.completeExceptionally(ex);
					stream.close();
					return;
				}
				if (read < 0) {
					chunk.release();
					this.requestComplete = true;
					stream.flush();
					// As for a GET above: the FIN only after quiche took the last frame (writes complete in order).
					this.lastWrite.addListener((written) -> {
						if (written.isSuccess()) {
							stream.shutdownOutput().addListener(this::failOnError);
						}
					});
					return;
				}
				this.bodyBytesSent += read;
				this.lastWrite = stream.write(new DefaultHttp3DataFrame(chunk)).addListener(this::failOnError);
			}
			stream.flush();
			if (stream.isWritable()) {
				// Yield to other streams and to incoming packets, then go on.
				stream.eventLoop().execute(this::pump);
			}
		}

		private void failOnError(Future<?> future) {
			if (!future.isSuccess() && this.result.completeExceptionally(future.cause())) {
				this.stream.close();
			}
		}

		@Override
		public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
			if (ctx.channel().isWritable()) {
				pump();
			}
			super.channelWritabilityChanged(ctx);
		}

		@Override
		protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
			CharSequence status = frame.headers().status();
			if (this.responseHeaders == null && status != null && status.length() == 3 && status.charAt(0) == '1') {
				return; // informational (1xx): the final response follows
			}
			if (this.responseHeaders == null) {
				this.responseHeaders = frame.headers();
			}
			// A second field section is trailers: not used by these tests.
		}

		@Override
		protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
			try {
				ByteBuf content = frame.content();
				this.responseBytesReceived += content.readableBytes();
				if (this.request.responseContent != null) {
					this.request.responseContent.accept(content.nioBuffer());
				}
				else {
					content.readBytes(this.responseBody, content.readableBytes());
				}
			}
			catch (IOException | RuntimeException ex) {
				if (this.result.completeExceptionally(ex)) {
					ctx.close();
				}
			}
			finally {
				ReferenceCountUtil.release(frame);
			}
		}

		@Override
		protected void channelInputClosed(ChannelHandlerContext ctx) {
			if (this.responseHeaders == null) {
				this.result.completeExceptionally(new IOException("Stream " + this.stream.streamId()
						+ " ended without a response field section"));
			}
			else {
				this.result.complete(new Response(Integer.parseInt(this.responseHeaders.status().toString()),
						toMap(this.responseHeaders), this.responseBody.toByteArray()));
			}
			if (!this.requestComplete) {
				// The server answered before reading the whole body (e.g. an early 400): stop sending.
				this.requestComplete = true;
			}
			ctx.close();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			this.result.completeExceptionally(cause);
			ctx.close();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) throws Exception {
			this.result.completeExceptionally(new IOException("Stream closed before the response was complete: "
					+ describe()));
			super.channelInactive(ctx);
		}

		void cancel() {
			QuicStreamChannel stream = this.stream;
			if (stream != null) {
				// H3_REQUEST_CANCELLED
				stream.shutdown(0x10c).addListener((future) -> stream.close());
			}
			this.result.cancel(false);
		}

		String describe() {
			QuicStreamChannel stream = this.stream;
			return this.request + " on stream " + ((stream != null) ? stream.streamId() : "(not open)") + ": sent "
					+ this.bodyBytesSent + " of " + this.request.contentLength + " body bytes (request "
					+ (this.requestComplete ? "complete" : "incomplete") + ", stream writable="
					+ ((stream != null) && stream.isWritable()) + "), received " + this.responseBytesReceived
					+ " response body bytes" + ((this.responseHeaders != null) ? " after status "
							+ this.responseHeaders.status() : ", no response headers");
		}

		private static Map<String, List<String>> toMap(Http3Headers headers) {
			Map<String, List<String>> map = new LinkedHashMap<>();
			headers.forEach((entry) -> map.computeIfAbsent(entry.getKey().toString(), (key) -> new ArrayList<>())
				.add(entry.getValue().toString()));
			map.replaceAll((key, values) -> List.copyOf(values));
			return Collections.unmodifiableMap(map);
		}

	}

}
