package dev.h3servlet.it.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;

/**
 * A QUIC connection with ALPN {@code h3} on Netty's QUIC codec (quiche through netty-codec-native-quic) and no HTTP/3
 * layer: the test writes every HTTP/3 byte itself ({@link Http3Wire}) and sees every byte, stream reset and
 * connection close the server sends. One instance, one connection, one event loop thread.
 */
final class RawQuicConnection implements AutoCloseable {

	private final EventLoopGroup group;

	private final Channel datagramChannel;

	private final QuicChannel quicChannel;

	private final Duration timeout;

	/** How the connection ended; completes when the connection closes for any reason. */
	final CompletableFuture<Close> closed;

	/** Streams the server opened (its control stream and QPACK streams), in order. */
	final List<RawStream> serverStreams;

	private RawQuicConnection(EventLoopGroup group, Channel datagramChannel, QuicChannel quicChannel,
			CompletableFuture<Close> closed, List<RawStream> serverStreams, Duration timeout) {
		this.group = group;
		this.datagramChannel = datagramChannel;
		this.quicChannel = quicChannel;
		this.closed = closed;
		this.serverStreams = serverStreams;
		this.timeout = timeout;
	}

	/**
	 * How a connection ended: a CONNECTION_CLOSE from the server (an application close carries an HTTP/3 error
	 * code, a transport close a QUIC one), the idle timeout, or a close by this side.
	 */
	record Close(boolean byPeer, boolean application, long code, String reason, boolean idle) {

		@Override
		public String toString() {
			if (!this.byPeer) {
				return this.idle ? "connection idled out (no CONNECTION_CLOSE)" : "closed by the client";
			}
			return "CONNECTION_CLOSE " + (this.application ? "app " : "transport ") + Outcome.hex(this.code)
					+ (this.reason.isEmpty() ? "" : " \"" + this.reason + "\"");
		}

	}

	static RawQuicConnection connect(InetSocketAddress server, X509Certificate trusted, Duration timeout)
			throws IOException {
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("raw-quic", true),
				NioIoHandler.newFactory());
		try {
			QuicSslContext ssl = QuicSslContextBuilder.forClient().trustManager(trusted).applicationProtocols("h3")
				.build();
			Channel datagramChannel = new Bootstrap().group(group)
				.channel(NioDatagramChannel.class)
				.handler(new QuicClientCodecBuilder()
					.sslEngineProvider((quic) -> ssl.newEngine(quic.alloc(), server.getHostString(), server.getPort()))
					.maxIdleTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
					.initialMaxData(16 * 1024 * 1024)
					.initialMaxStreamDataBidirectionalLocal(4 * 1024 * 1024)
					.initialMaxStreamDataUnidirectional(1024 * 1024)
					.initialMaxStreamsUnidirectional(16)
					.build())
				.bind(new InetSocketAddress(server.getAddress(), 0))
				.sync()
				.channel();
			CompletableFuture<Close> closed = new CompletableFuture<>();
			List<RawStream> serverStreams = new CopyOnWriteArrayList<>();
			Future<QuicChannel> connecting = QuicChannel.newBootstrap(datagramChannel)
				.handler(new ConnectionHandler(closed))
				.streamHandler(new ChannelInboundHandlerAdapter() {
					@Override
					public void handlerAdded(ChannelHandlerContext ctx) {
						RawStream stream = new RawStream((QuicStreamChannel) ctx.channel());
						serverStreams.add(stream);
						ctx.pipeline().replace(this, "raw", stream.handler());
					}
				})
				.remoteAddress(server)
				.connect();
			if (!connecting.await(timeout.toMillis()) || !connecting.isSuccess()) {
				throw new IOException("No QUIC handshake with " + server + " in " + timeout, connecting.cause());
			}
			return new RawQuicConnection(group, datagramChannel, connecting.getNow(), closed, serverStreams, timeout);
		}
		catch (IOException | RuntimeException ex) {
			group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
			throw ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
			throw new IOException("Interrupted while connecting", ex);
		}
	}

	/** Opens a bidirectional (request) stream. */
	RawStream openRequestStream() throws IOException {
		return open(QuicStreamType.BIDIRECTIONAL);
	}

	/** Opens a unidirectional stream and writes its stream type. */
	RawStream openUnidirectional(long streamType) throws IOException {
		return openUnidirectional(streamType, new byte[0]);
	}

	/** Opens a unidirectional stream and writes its stream type and the bytes after it, together. */
	RawStream openUnidirectional(long streamType, byte[] bytes) throws IOException {
		RawStream stream = open(QuicStreamType.UNIDIRECTIONAL);
		stream.write(Http3Wire.concat(Http3Wire.varint(streamType), bytes));
		return stream;
	}

	/**
	 * Opens a unidirectional stream and writes its stream type and the bytes after it, together, when the server may
	 * stop reading it (STOP_SENDING) as soon as it has read the type. Describes what became of the write instead of
	 * failing: on a loaded machine quiche sometimes takes only the type, and Netty then neither sends the rest nor
	 * fails it when the STOP_SENDING arrives (seen in 5 to 7 of 30 runs under load).
	 */
	String openUnidirectionalMayBeStopped(long streamType, byte[] bytes) throws IOException {
		RawStream stream = open(QuicStreamType.UNIDIRECTIONAL);
		io.netty.channel.ChannelFuture future = stream.channel
			.writeAndFlush(Unpooled.wrappedBuffer(Http3Wire.concat(Http3Wire.varint(streamType), bytes)));
		if (!future.awaitUninterruptibly(1, TimeUnit.SECONDS)) {
			return "write on stream " + stream.id() + " not taken by the client in 1 s";
		}
		return future.isSuccess() ? "write on stream " + stream.id() + " accepted"
				: "write on stream " + stream.id() + " failed (" + future.cause() + ")";
	}

	/** Opens the client's control stream and sends its SETTINGS frame (empty: every setting at its default). */
	RawStream openControlStream() throws IOException {
		RawStream control = openUnidirectional(Http3Wire.STREAM_CONTROL);
		control.write(Http3Wire.settings());
		return control;
	}

	private RawStream open(QuicStreamType type) throws IOException {
		CompletableFuture<RawStream> opened = new CompletableFuture<>();
		this.quicChannel.newStreamBootstrap()
			.type(type)
			.handler(new ChannelInboundHandlerAdapter() {
				@Override
				public void handlerAdded(ChannelHandlerContext ctx) {
					RawStream stream = new RawStream((QuicStreamChannel) ctx.channel());
					ctx.pipeline().replace(this, "raw", stream.handler());
					opened.complete(stream);
				}
			})
			.create()
			.addListener((Future<QuicStreamChannel> future) -> {
				if (!future.isSuccess()) {
					opened.completeExceptionally(future.cause());
				}
			});
		return await(opened, "open a " + type + " stream");
	}

	/** The server's SETTINGS, read from its control stream (waits for them). */
	Map<Long, Long> serverSettings() throws IOException {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		while (System.nanoTime() < deadline) {
			for (RawStream stream : this.serverStreams) {
				byte[] bytes = stream.bytes();
				if (bytes.length > 0 && bytes[0] == Http3Wire.STREAM_CONTROL) {
					List<Http3Wire.Frame> frames = Http3Wire.frames(bytes, 1);
					if (!frames.isEmpty() && frames.get(0).type() == Http3Wire.SETTINGS) {
						return Http3Wire.settingsOf(frames.get(0).payload());
					}
				}
			}
			sleep(10);
		}
		throw new IOException("No SETTINGS from the server in " + this.timeout);
	}

	/** How many more streams of the type the server allows this client to open now. */
	long peerAllowedStreams(QuicStreamType type) throws IOException {
		CompletableFuture<Long> allowed = new CompletableFuture<>();
		this.quicChannel.eventLoop().execute(() -> allowed.complete(this.quicChannel.peerAllowedStreams(type)));
		return await(allowed, "read the stream limit");
	}

	<T> T await(CompletableFuture<T> future, String what) throws IOException {
		try {
			return future.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw new IOException("Could not " + what, ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IOException("Could not " + what + " in " + this.timeout, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while trying to " + what, ex);
		}
	}

	/**
	 * Makes the client vanish without a word: the UDP socket closes and the event loop stops without sending a
	 * CONNECTION_CLOSE, as a peer that crashed or lost its network.
	 */
	void vanish() {
		this.datagramChannel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
	}

	/** Closes with H3_NO_ERROR if still open, then stops the event loop. */
	@Override
	public void close() {
		if (this.quicChannel.isActive()) {
			this.quicChannel.close(true, 0x100, Unpooled.EMPTY_BUFFER).awaitUninterruptibly(1, TimeUnit.SECONDS);
		}
		vanish();
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static final class ConnectionHandler extends ChannelInboundHandlerAdapter {

		private final CompletableFuture<Close> closed;

		ConnectionHandler(CompletableFuture<Close> closed) {
			this.closed = closed;
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
			if (event instanceof QuicConnectionCloseEvent close) {
				// The close is known now; the channel becomes inactive only after the draining period (RFC 9000
				// 10.2.2), a second or more later.
				this.closed.complete(new Close(true, close.isApplicationClose(), Integer.toUnsignedLong(close.error()),
						new String(close.reason(), java.nio.charset.StandardCharsets.UTF_8), false));
			}
			super.userEventTriggered(ctx, event);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) throws Exception {
			QuicChannel channel = (QuicChannel) ctx.channel();
			this.closed.complete(new Close(false, false, 0, "", channel.isTimedOut()));
			super.channelInactive(ctx);
		}

	}

	/** One QUIC stream: what the test writes, and everything the server sends on it. */
	static final class RawStream {

		private final QuicStreamChannel channel;

		private final ByteArrayOutputStream received = new ByteArrayOutputStream();

		/** Completes with all bytes received when the server ends the stream (FIN). */
		final CompletableFuture<byte[]> ended = new CompletableFuture<>();

		/** Completes with the error code of a RESET_STREAM from the server. */
		final CompletableFuture<Long> reset = new CompletableFuture<>();

		/** Completes when the stream channel is closed (both directions done, or the connection is gone). */
		final CompletableFuture<Void> closed = new CompletableFuture<>();

		RawStream(QuicStreamChannel channel) {
			this.channel = channel;
		}

		long id() {
			return this.channel.streamId();
		}

		synchronized byte[] bytes() {
			return this.received.toByteArray();
		}

		/** Writes and flushes, waiting until quiche accepted the bytes. */
		RawStream write(byte[] bytes) throws IOException {
			return awaitWrite(this.channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)), "write");
		}

		/** Writes the bytes with the stream's FIN in the same STREAM frame. */
		RawStream writeAndFin(byte[] bytes) throws IOException {
			return awaitWrite(this.channel.writeAndFlush(new DefaultQuicStreamFrame(Unpooled.wrappedBuffer(bytes), true)),
					"write with FIN");
		}

		/** Ends the stream: a zero-length STREAM frame with FIN. */
		RawStream fin() throws IOException {
			return awaitWrite(this.channel.shutdownOutput(), "send FIN");
		}

		/** Starts ending the stream (FIN) without waiting; the future says whether quiche took it. */
		io.netty.channel.ChannelFuture finWithoutWaiting() {
			return this.channel.shutdownOutput();
		}

		/** Sends RESET_STREAM with the error code. */
		RawStream reset(long code) throws IOException {
			return awaitWrite(this.channel.shutdownOutput((int) code), "reset");
		}

		/** Writes one byte after a pause, describing whether quiche still accepts data (no STOP_SENDING seen). */
		String probeWrite() {
			RawQuicConnection.sleep(100);
			io.netty.channel.ChannelFuture future = this.channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] { 0 }));
			if (!future.awaitUninterruptibly(2, TimeUnit.SECONDS)) {
				return "no completion in 2 s";
			}
			return future.isSuccess() ? "accepted" : "failed (" + future.cause() + ")";
		}

		private RawStream awaitWrite(io.netty.channel.ChannelFuture future, String what) throws IOException {
			if (!future.awaitUninterruptibly(5, TimeUnit.SECONDS)) {
				throw new IOException("Could not " + what + " on stream " + id() + " in 5 s");
			}
			if (!future.isSuccess()) {
				throw new IOException("Could not " + what + " on stream " + id(), future.cause());
			}
			return this;
		}

		ChannelInboundHandlerAdapter handler() {
			return new ChannelInboundHandlerAdapter() {

				@Override
				public void channelRead(ChannelHandlerContext ctx, Object msg) {
					try {
						if (msg instanceof ByteBuf buffer) {
							synchronized (RawStream.this) {
								buffer.readBytes(RawStream.this.received, buffer.readableBytes());
							}
						}
					}
					catch (IOException ex) {
						throw new java.io.UncheckedIOException(ex);
					}
					finally {
						ReferenceCountUtil.release(msg);
					}
				}

				@Override
				public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
					if (event == ChannelInputShutdownReadComplete.INSTANCE) {
						RawStream.this.ended.complete(bytes());
					}
					ReferenceCountUtil.release(event);
				}

				@Override
				public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
					if (cause instanceof QuicStreamResetException reset) {
						RawStream.this.reset.complete(reset.applicationProtocolCode());
					}
				}

				@Override
				public void channelInactive(ChannelHandlerContext ctx) {
					RawStream.this.closed.complete(null);
				}

			};
		}

	}

}
