package dev.h3servlet.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.DefaultHttp3SettingsFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.http3.Http3Settings;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.DefaultThreadFactory;

import static dev.h3servlet.test.NettyFutures.await;

/**
 * A WebTransport (draft-02) client on Netty's QUIC and HTTP/3 codecs, which share no code with Jetty or with
 * h3servlet's server: one session on one QUIC connection. It writes WebTransport's bytes itself (the settings, the
 * extended CONNECT, the 0x41 stream signal, the datagram prefix, the close capsule), the way a browser does, for tests
 * and the bench. Every wait is bounded by the client's timeout.
 */
public final class WebTransportClient implements AutoCloseable {

	private static final long SETTINGS_ENABLE_WEBTRANSPORT = 0x2b603742L;

	private final EventLoopGroup group;

	private final Channel datagramChannel;

	private final QuicChannel quicChannel;

	private final QuicStreamChannel connectStream;

	/** Completed when the server ends its side of the CONNECT stream. */
	private final CompletableFuture<Void> connectEnded;

	private final Duration timeout;

	private final BlockingQueue<byte[]> datagrams = new LinkedBlockingQueue<>();

	private WebTransportClient(EventLoopGroup group, Channel datagramChannel, QuicChannel quicChannel,
			QuicStreamChannel connectStream, CompletableFuture<Void> connectEnded, Duration timeout) {
		this.group = group;
		this.datagramChannel = datagramChannel;
		this.quicChannel = quicChannel;
		this.connectStream = connectStream;
		this.connectEnded = connectEnded;
		this.timeout = timeout;
	}

	/**
	 * Opens a QUIC connection and a WebTransport session at the path.
	 * @throws IOException if the connection cannot be made or the server does not answer the CONNECT with 200
	 */
	public static WebTransportClient open(InetSocketAddress server, X509Certificate trusted, String path,
			Duration timeout) throws IOException {
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("webtransport-client", true),
				NioIoHandler.newFactory());
		Channel datagramChannel = null;
		try {
			ChannelHandler codec = NettyFutures.h3ClientCodec(server, trusted, timeout)
				.initialMaxData(64L * 1024 * 1024)
				.initialMaxStreamDataBidirectionalLocal(16L * 1024 * 1024)
				.initialMaxStreamDataBidirectionalRemote(16L * 1024 * 1024)
				.initialMaxStreamDataUnidirectional(16L * 1024 * 1024)
				.initialMaxStreamsBidirectional(100)
				.initialMaxStreamsUnidirectional(100)
				.datagram(1024, 1024)
				.build();
			datagramChannel = new Bootstrap().group(group)
				.channel(NioDatagramChannel.class)
				.handler(codec)
				.bind(new InetSocketAddress(server.getAddress(), 0))
				.sync()
				.channel();
			Http3Settings settings = new Http3Settings((id, value) -> id == SETTINGS_ENABLE_WEBTRANSPORT);
			settings.enableH3Datagram(true);
			settings.put(SETTINGS_ENABLE_WEBTRANSPORT, 1L);
			BlockingQueue<byte[]> datagrams = new LinkedBlockingQueue<>();
			QuicChannel quicChannel = await(QuicChannel.newBootstrap(datagramChannel)
				.handler(new ChannelInitializer<QuicChannel>() {

					@Override
					protected void initChannel(QuicChannel channel) {
						channel.pipeline().addLast(new DatagramReceiver(datagrams),
								new Http3ClientConnectionHandler(null, null, null,
										new DefaultHttp3SettingsFrame(settings), true));
					}

				})
				.remoteAddress(server)
				.connect(), timeout, "complete the QUIC handshake with " + server).getNow();
			CompletableFuture<Integer> status = new CompletableFuture<>();
			ConnectStreamHandler connectHandler = new ConnectStreamHandler(status);
			QuicStreamChannel connect = await(Http3.newRequestStream(quicChannel, connectHandler),
					timeout, "open the CONNECT stream").getNow();
			DefaultHttp3Headers headers = new DefaultHttp3Headers();
			headers.method("CONNECT")
				.scheme("https")
				.authority(server.getHostString() + ":" + server.getPort())
				.path(path)
				.protocol("webtransport");
			headers.set("origin", "https://" + server.getHostString() + ":" + server.getPort());
			headers.set("sec-webtransport-http3-draft02", "1");
			await(connect.writeAndFlush(new DefaultHttp3HeadersFrame(headers)), timeout, "send the CONNECT");
			int answered = get(status, timeout, "have the CONNECT answered");
			if (answered != 200) {
				throw new IOException("The server answered the WebTransport CONNECT of " + path + " with " + answered);
			}
			WebTransportClient client = new WebTransportClient(group, datagramChannel, quicChannel, connect,
					connectHandler.ended, timeout);
			datagrams.drainTo(client.datagrams);
			client.quicChannel.pipeline().get(DatagramReceiver.class).target = client.datagrams;
			return client;
		}
		catch (IOException | RuntimeException | InterruptedException ex) {
			if (datagramChannel != null) {
				datagramChannel.close().awaitUninterruptibly(timeout.toMillis());
			}
			group.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS)
				.awaitUninterruptibly(timeout.toMillis());
			if (ex instanceof InterruptedException interrupted) {
				Thread.currentThread().interrupt();
				throw new IOException("Interrupted opening a WebTransport session", interrupted);
			}
			if (ex instanceof IOException io) {
				throw io;
			}
			throw (RuntimeException) ex;
		}
	}

	/** The session id: the CONNECT stream's id. */
	public long sessionId() {
		return this.connectStream.streamId();
	}

	/**
	 * Opens a bidirectional stream, sends the bytes and its end, and returns what the server sent back until its end.
	 */
	public byte[] exchange(byte[] bytes) throws IOException {
		QuicStreamAnswer answer = new QuicStreamAnswer();
		QuicStreamChannel stream = await(this.quicChannel.createStream(QuicStreamType.BIDIRECTIONAL, answer),
				this.timeout, "open a stream").getNow();
		ByteBuf out = stream.alloc().buffer(bytes.length + 16);
		writeVarint(out, 0x41);
		writeVarint(out, sessionId());
		out.writeBytes(bytes);
		await(stream.writeAndFlush(out), this.timeout, "send on a stream");
		await(stream.shutdownOutput(), this.timeout, "end a stream");
		return get(answer.answer(), this.timeout, "read the server's answer on stream " + stream.streamId());
	}

	/** Sends a datagram (the session's quarter stream id, then the payload). */
	public void sendDatagram(byte[] payload) throws IOException {
		sendDatagram(sessionId() / 4, payload);
	}

	/** Sends a datagram with any quarter stream id (one of no session, for a hostile case). */
	public void sendDatagram(long quarterStreamId, byte[] payload) throws IOException {
		ByteBuf out = this.quicChannel.alloc().directBuffer(payload.length + 8);
		writeVarint(out, quarterStreamId);
		out.writeBytes(payload);
		await(this.quicChannel.writeAndFlush(out), this.timeout, "send a datagram");
	}

	/** The payload of the next datagram of the session, or {@code null} if none came within the wait. */
	public byte[] receiveDatagram(Duration wait) throws InterruptedException {
		return this.datagrams.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Closes the session: CLOSE_WEBTRANSPORT_SESSION with the code and reason, then the end of the CONNECT stream; waits
	 * for the server to end its side of the CONNECT stream (draft-02: each side ends it once the session is closed).
	 */
	public void closeSession(int code, String reason) throws IOException {
		byte[] text = reason.getBytes(StandardCharsets.UTF_8);
		ByteBuf capsule = Unpooled.buffer();
		writeVarint(capsule, 0x2843);
		writeVarint(capsule, 4 + text.length);
		capsule.writeInt(code);
		capsule.writeBytes(text);
		await(this.connectStream.writeAndFlush(new DefaultHttp3DataFrame(capsule)), this.timeout, "send the close");
		await(this.connectStream.shutdownOutput(), this.timeout, "end the CONNECT stream");
		get(this.connectEnded, this.timeout, "see the server end the CONNECT stream");
	}

	@Override
	public void close() {
		this.quicChannel.close().awaitUninterruptibly(this.timeout.toMillis());
		this.datagramChannel.close().awaitUninterruptibly(this.timeout.toMillis());
		this.group.shutdownGracefully(0, this.timeout.toMillis(), TimeUnit.MILLISECONDS)
			.awaitUninterruptibly(this.timeout.toMillis());
	}

	private static void writeVarint(ByteBuf buffer, long value) {
		if (value < 0x40) {
			buffer.writeByte((int) value);
		}
		else if (value < 0x4000) {
			buffer.writeShort((int) (0x4000 | value));
		}
		else if (value < 0x40000000L) {
			buffer.writeInt((int) (0x80000000L | value));
		}
		else {
			buffer.writeLong(0xC000000000000000L | value);
		}
	}

	private static long readVarint(ByteBuf buffer) {
		int first = buffer.readUnsignedByte();
		int length = 1 << (first >> 6);
		long value = first & 0x3f;
		for (int i = 1; i < length; i++) {
			value = (value << 8) | buffer.readUnsignedByte();
		}
		return value;
	}

	private static <T> T get(CompletableFuture<T> future, Duration timeout, String what) throws IOException {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while waiting to " + what, ex);
		}
		catch (ExecutionException ex) {
			throw new IOException("Could not " + what, ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IOException("Could not " + what + " in " + timeout, ex);
		}
	}

	/** Takes the connection's datagrams (each a {@code ByteBuf} on the QUIC channel's pipeline). */
	private static final class DatagramReceiver extends ChannelInboundHandlerAdapter {

		private volatile BlockingQueue<byte[]> target;

		DatagramReceiver(BlockingQueue<byte[]> target) {
			this.target = target;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof ByteBuf datagram && !(msg instanceof QuicStreamChannel)) {
				readVarint(datagram);
				byte[] payload = new byte[datagram.readableBytes()];
				datagram.readBytes(payload);
				datagram.release();
				this.target.add(payload);
				return;
			}
			ctx.fireChannelRead(msg);
		}

	}

	/** The CONNECT stream: the answer's status (the capsules that may follow are not read). */
	private static final class ConnectStreamHandler extends Http3RequestStreamInboundHandler {

		private final CompletableFuture<Integer> status;

		/** Completed when the server ends its side of the CONNECT stream. */
		private final CompletableFuture<Void> ended = new CompletableFuture<>();

		ConnectStreamHandler(CompletableFuture<Integer> status) {
			this.status = status;
		}

		@Override
		protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
			CharSequence value = frame.headers().status();
			this.status.complete((value != null) ? Integer.parseInt(value.toString()) : -1);
		}

		@Override
		protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
			frame.release();
		}

		@Override
		protected void channelInputClosed(ChannelHandlerContext ctx) {
			this.status.complete(-1);
			this.ended.complete(null);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			this.status.complete(-1);
			this.ended.complete(null);
			ctx.fireChannelInactive();
		}

	}

}
