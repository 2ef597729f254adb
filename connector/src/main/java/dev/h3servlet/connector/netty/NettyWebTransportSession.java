package dev.h3servlet.connector.netty;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.h3servlet.connector.webtransport.WebTransportHandler;
import dev.h3servlet.connector.webtransport.WebTransportHandshake;
import dev.h3servlet.connector.webtransport.WebTransportSession;
import dev.h3servlet.connector.webtransport.WebTransportStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicException;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.Future;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebTransport session on the netty transport: the CONNECT stream it was accepted on (whose DATA frames carry
 * capsules), the streams and datagrams the {@link QuicConnection} routes to it by session id, and the handler the
 * application gave, whose methods run on the connector's executor.
 */
final class NettyWebTransportSession implements WebTransportSession {

	private static final Logger logger = LoggerFactory.getLogger(NettyWebTransportSession.class);

	private final QuicConnection connection;

	private final QuicStreamChannel connectStream;

	private final WebTransportHandshake handshake;

	private final WebTransportHandler handler;

	private final Executor executor;

	private final Set<NettyWebTransportStream> streams = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean ended = new AtomicBoolean();

	private volatile boolean closeSent;

	/** Streams the client opened that are still open. */
	private final AtomicInteger clientStreams = new AtomicInteger();

	/** Datagrams handed to the executor whose {@code onDatagram} has not returned yet. */
	private final AtomicInteger datagramsWaiting = new AtomicInteger();

	/** Events that came while the handler's {@code onOpen} ran, in order of arrival; null once it returned. */
	private List<Runnable> heldUntilOpen = new ArrayList<>();

	private final Object openLock = new Object();

	NettyWebTransportSession(QuicConnection connection, QuicStreamChannel connectStream,
			WebTransportHandshake handshake, WebTransportHandler handler, Executor executor) {
		this.connection = connection;
		this.connectStream = connectStream;
		this.handshake = handshake;
		this.handler = handler;
		this.executor = executor;
	}

	/**
	 * Opens the session, on the event loop, once its 2xx response is written: takes the CONNECT stream over (its
	 * capsules, given the ones that came before), registers with the connection and tells the handler.
	 */
	void open(ChannelHandler replaced, ByteBuf early) {
		this.connection.webTransportSessionOpened(this);
		this.connectStream.pipeline().replace(replaced, null, new ConnectStreamHandler(early));
		this.connectStream.read();
		this.executor.execute(() -> {
			guarded(() -> this.handler.onOpen(this));
			List<Runnable> held;
			synchronized (this.openLock) {
				held = this.heldUntilOpen;
				this.heldUntilOpen = null;
			}
			held.forEach(this.executor::execute);
		});
	}

	@Override
	public long id() {
		return this.connectStream.streamId();
	}

	@Override
	public String path() {
		return this.handshake.path();
	}

	@Override
	public WebTransportHandshake handshake() {
		return this.handshake;
	}

	@Override
	public boolean isOpen() {
		return !this.ended.get();
	}

	/** A stream the client opened for this session, its header read (event loop). */
	void onStream(QuicStreamChannel channel, boolean bidirectional, ByteBuf rest) {
		int max = this.connection.connector().webTransportMaxStreamsPerSession();
		if (this.clientStreams.incrementAndGet() > max) {
			this.clientStreams.decrementAndGet();
			logger.debug("Refusing stream {} of WebTransport session {}: {} open (webTransportMaxStreamsPerSession)",
					channel.streamId(), id(), max);
			rest.release();
			channel.shutdown(Http3ErrorCodes.H3_REQUEST_REJECTED);
			return;
		}
		NettyWebTransportStream stream = new NettyWebTransportStream(this, channel, true, bidirectional, true);
		this.streams.add(stream);
		channel.pipeline().addLast(stream.input());
		if (rest.isReadable()) {
			channel.pipeline().fireChannelRead(rest);
		}
		else {
			rest.release();
		}
		if (this.ended.get()) {
			stream.reset();
			return;
		}
		dispatch(() -> this.handler.onStream(this, stream));
	}

	/** A datagram for this session: the payload after the quarter stream id (event loop; this releases it). */
	void onDatagram(ByteBuf payload) {
		int queue = this.connection.connector().webTransportDatagramQueue();
		if (this.datagramsWaiting.incrementAndGet() > queue) {
			this.datagramsWaiting.decrementAndGet();
			logger.debug("Dropping a datagram of WebTransport session {}: {} wait for the handler"
					+ " (webTransportDatagramQueue)", id(), queue);
			this.connection.connector().statistics().webTransportDatagramDropped();
			payload.release();
			return;
		}
		ByteBuffer copy = ByteBuffer.allocate(payload.readableBytes());
		payload.readBytes(copy);
		payload.release();
		copy.flip();
		dispatch(() -> {
			try {
				this.handler.onDatagram(this, copy);
			}
			finally {
				this.datagramsWaiting.decrementAndGet();
			}
		});
	}

	void streamClosed(NettyWebTransportStream stream) {
		if (this.streams.remove(stream) && stream.isClients()) {
			this.clientStreams.decrementAndGet();
		}
	}

	@Override
	public WebTransportStream openBidirectionalStream() throws IOException {
		return await(openStream(QuicStreamType.BIDIRECTIONAL));
	}

	@Override
	public WebTransportStream openUnidirectionalStream() throws IOException {
		return await(openStream(QuicStreamType.UNIDIRECTIONAL));
	}

	@Override
	public CompletableFuture<WebTransportStream> openBidirectionalStreamAsync() {
		return openStream(QuicStreamType.BIDIRECTIONAL);
	}

	@Override
	public CompletableFuture<WebTransportStream> openUnidirectionalStreamAsync() {
		return openStream(QuicStreamType.UNIDIRECTIONAL);
	}

	private WebTransportStream await(CompletableFuture<WebTransportStream> opening) throws IOException {
		if (this.connection.channel().eventLoop().inEventLoop()) {
			// The stream is made on this very thread: waiting here would wait for ever.
			throw new IllegalStateException("Opening a stream of " + this + " blocks: not on the transport's event "
					+ "loop (a future's callback, say); use open...StreamAsync() there");
		}
		try {
			return opening.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted opening a stream of WebTransport session " + id());
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof IOException failure) ? failure : new EofException(ex.getCause());
		}
	}

	/** Opens a stream and sends its header (the signal or type, then the session id); completes on the event loop. */
	private CompletableFuture<WebTransportStream> openStream(QuicStreamType type) {
		CompletableFuture<WebTransportStream> opened = new CompletableFuture<>();
		if (this.ended.get()) {
			opened.completeExceptionally(new EofException("WebTransport session " + id() + " has ended"));
			return opened;
		}
		boolean bidirectional = type == QuicStreamType.BIDIRECTIONAL;
		NettyWebTransportStream[] stream = new NettyWebTransportStream[1];
		this.connection.channel().createStream(type, new ChannelInitializer<QuicStreamChannel>() {

			@Override
			protected void initChannel(QuicStreamChannel channel) {
				stream[0] = new NettyWebTransportStream(NettyWebTransportSession.this, channel, bidirectional, true,
						false);
				channel.pipeline().addLast(stream[0].input());
			}

		}).addListener((Future<QuicStreamChannel> creation) -> {
			if (!creation.isSuccess()) {
				opened.completeExceptionally(new EofException(creation.cause()));
				return;
			}
			QuicStreamChannel channel = creation.getNow();
			this.streams.add(stream[0]);
			ByteBuf header = channel.alloc().buffer(16);
			WebTransportWire.writeVarint(header, bidirectional ? WebTransportWire.BIDIRECTIONAL_STREAM_SIGNAL
					: WebTransportWire.UNIDIRECTIONAL_STREAM_TYPE);
			WebTransportWire.writeVarint(header, id());
			channel.writeAndFlush(header);
			if (this.ended.get()) {
				// The session ended while the stream was being made: it goes with it.
				this.streams.remove(stream[0]);
				stream[0].reset();
				opened.completeExceptionally(new EofException("WebTransport session " + id() + " has ended"));
				return;
			}
			opened.complete(stream[0]);
		});
		return opened;
	}

	@Override
	public boolean sendDatagram(ByteBuffer datagram) {
		if (this.ended.get() || datagram.remaining() > maxDatagramSize()) {
			return false;
		}
		long quarterStreamId = id() / 4;
		ByteBuf buffer = this.connection.channel().alloc()
			.directBuffer(WebTransportWire.varintSize(quarterStreamId) + datagram.remaining());
		WebTransportWire.writeVarint(buffer, quarterStreamId);
		buffer.writeBytes(datagram);
		this.connection.channel().writeAndFlush(buffer).addListener((future) -> {
			if (!future.isSuccess()) {
				logger.debug("Datagram of WebTransport session {} not sent", id(), future.cause());
				this.connection.connector().statistics().webTransportDatagramDropped();
			}
		});
		return true;
	}

	@Override
	public int maxDatagramSize() {
		int max = this.connection.maxDatagramLength();
		return Math.max(0, max - WebTransportWire.varintSize(id() / 4));
	}

	@Override
	public void drain() {
		if (this.ended.get() || this.closeSent) {
			return;
		}
		ByteBuf capsule = Unpooled.buffer(4);
		WebTransportWire.writeVarint(capsule, WebTransportWire.DRAIN_SESSION_CAPSULE);
		WebTransportWire.writeVarint(capsule, 0);
		this.connectStream.writeAndFlush(new DefaultHttp3DataFrame(capsule));
	}

	@Override
	public void close(int code, String reason) {
		if (this.ended.get() || this.closeSent) {
			return;
		}
		this.closeSent = true;
		ByteBuf capsule = Unpooled.buffer();
		WebTransportWire.writeCloseCapsule(capsule, code, reason);
		this.connectStream.writeAndFlush(new DefaultHttp3DataFrame(capsule))
			.addListener((future) -> this.connectStream.shutdownOutput());
		end(code, (reason != null) ? reason : "");
	}

	/** The session ended, by either side or with its connection: once. */
	void end(long code, String reason) {
		if (!this.ended.compareAndSet(false, true)) {
			return;
		}
		this.connection.webTransportSessionEnded(this);
		this.streams.forEach(NettyWebTransportStream::reset);
		this.streams.clear();
		dispatch(() -> this.handler.onClose(this, code, reason));
	}

	/** Runs a handler method on the executor, once {@code onOpen} has returned. */
	private void dispatch(Task task) {
		Runnable event = () -> guarded(task);
		synchronized (this.openLock) {
			if (this.heldUntilOpen != null) {
				this.heldUntilOpen.add(event);
				return;
			}
		}
		this.executor.execute(event);
	}

	private void guarded(Task task) {
		try {
			task.run();
		}
		catch (Throwable failure) {
			logger.warn("WebTransport handler of session {} ({}) failed", id(), this.handshake.path(), failure);
		}
	}

	@Override
	public String toString() {
		return "WebTransportSession[" + id() + " " + this.handshake.path() + "]";
	}

	@FunctionalInterface
	private interface Task {

		void run() throws Exception;

	}

	/**
	 * The CONNECT stream's handler once the session is open: capsules from the DATA frames (a CLOSE ends the
	 * session, others are skipped, as draft-02 asks of unknown capsule types), its end, or its reset.
	 */
	private final class ConnectStreamHandler extends Http3RequestStreamInboundHandler {

		private ByteBuf capsules;

		ConnectStreamHandler(ByteBuf early) {
			this.capsules = early;
		}

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			parse();
		}

		@Override
		protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
			// Trailers on a CONNECT stream: nothing in them for WebTransport.
		}

		@Override
		protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
			this.capsules.writeBytes(frame.content());
			frame.release();
			parse();
		}

		private void parse() {
			while (true) {
				int start = this.capsules.readerIndex();
				if (!WebTransportWire.hasVarint(this.capsules)) {
					break;
				}
				long type = WebTransportWire.readVarint(this.capsules);
				if (!WebTransportWire.hasVarint(this.capsules)) {
					this.capsules.readerIndex(start);
					break;
				}
				long length = WebTransportWire.readVarint(this.capsules);
				if (this.capsules.readableBytes() < length) {
					this.capsules.readerIndex(start);
					break;
				}
				if (type == WebTransportWire.CLOSE_SESSION_CAPSULE && length >= 4) {
					long code = this.capsules.readUnsignedInt();
					String reason = this.capsules.readCharSequence((int) length - 4, StandardCharsets.UTF_8).toString();
					closedByClient(code, reason);
				}
				else {
					this.capsules.skipBytes((int) length);
				}
			}
			this.capsules.discardReadBytes();
		}

		private void closedByClient(long code, String reason) {
			logger.debug("WebTransport session {} closed by the client: {} {}", id(), code, reason);
			end(code, reason);
			if (!NettyWebTransportSession.this.closeSent) {
				NettyWebTransportSession.this.closeSent = true;
				// Not from within the handling of the client's capsule or FIN: the Netty HTTP/3 client then waited in
				// vain for the end, every time.
				QuicStreamChannel stream = NettyWebTransportSession.this.connectStream;
				NettyWebTransportStream.inTaskOfItsOwn(stream, stream::shutdownOutput);
			}
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			ctx.read();
			ctx.fireChannelReadComplete();
		}

		@Override
		protected void channelInputClosed(ChannelHandlerContext ctx) {
			closedByClient(0, "");
		}

		@Override
		protected void handleQuicException(ChannelHandlerContext ctx, QuicException failure) {
			logger.debug("CONNECT stream of WebTransport session {} failed", id(), failure);
			end(0, "");
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			end(0, "");
			this.capsules.release();
			ctx.fireChannelInactive();
		}

	}

}
