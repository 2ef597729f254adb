package dev.h3servlet.connector.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.h3servlet.connector.webtransport.WebTransportStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import org.eclipse.jetty.io.EofException;

/**
 * A WebTransport stream over one QUIC stream channel: its {@link Input} handler (the last one on the channel's
 * pipeline) queues what arrives and reads from quiche only while less than {@link #READ_AHEAD} is queued, so the
 * client's flow control follows the application's reading. The queue is taken either by the blocking
 * {@link StreamInput} or by {@link #read()} (served on the event loop); a blocking write waits until quiche has taken
 * the bytes, a non-blocking one returns that wait as a future.
 */
final class NettyWebTransportStream implements WebTransportStream {

	/** Queued after the last bytes: the client's FIN. */
	private static final Object END = new Object();

	/** Bytes read ahead of the application at most: reading from quiche goes on while fewer are queued. */
	static final int READ_AHEAD = 1024 * 1024;

	private final QuicStreamChannel channel;

	private final NettyWebTransportSession session;

	private final boolean readable;

	private final boolean writable;

	private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final Input input = new Input();

	private final InputStream inputStream = new StreamInput();

	private final OutputStream outputStream = new StreamOutput();

	private volatile boolean inputEnded;

	private volatile boolean outputEnded;

	/** Bytes queued for the application, not taken yet. */
	private final AtomicLong queued = new AtomicLong();

	private final boolean clients;

	/** How each direction is used, once it is: blocking streams or futures, never both. */
	private final AtomicReference<Use> inputUse = new AtomicReference<>();

	private final AtomicReference<Use> outputUse = new AtomicReference<>();

	/** The non-blocking read waiting for bytes (event loop only). */
	private CompletableFuture<ByteBuffer> pendingRead;

	/** What ended non-blocking reading: {@link #END} or the failure (event loop only). */
	private Object readingEnded;

	NettyWebTransportStream(NettyWebTransportSession session, QuicStreamChannel channel, boolean readable,
			boolean writable, boolean clients) {
		this.clients = clients;
		this.session = session;
		this.channel = channel;
		this.readable = readable;
		this.writable = writable;
		this.inputEnded = !readable;
		this.outputEnded = !writable;
	}

	/** Whether the client opened it. */
	boolean isClients() {
		return this.clients;
	}

	/** The handler to put last on the channel's pipeline; it takes the bytes that follow the stream's header. */
	Input input() {
		return this.input;
	}

	@Override
	public long id() {
		return this.channel.streamId();
	}

	@Override
	public boolean isBidirectional() {
		return this.readable && this.writable;
	}

	@Override
	public InputStream getInputStream() {
		return this.inputStream;
	}

	@Override
	public OutputStream getOutputStream() {
		if (!this.writable) {
			throw new IllegalStateException("WebTransport stream " + id() + " is unidirectional from the client");
		}
		return this.outputStream;
	}

	@Override
	public CompletableFuture<ByteBuffer> read() {
		use(this.inputUse, Use.FUTURES, "read");
		CompletableFuture<ByteBuffer> next = new CompletableFuture<>();
		if (!this.readable) {
			next.complete(null);
			return next;
		}
		// Always a task of its own, even on the event loop: a read chained to the last one's completion does not nest.
		boolean scheduled = inTaskOfItsOwn(this.channel, () -> {
			if (this.pendingRead != null) {
				next.completeExceptionally(new IllegalStateException("A read of " + this + " is still pending"));
				return;
			}
			this.pendingRead = next;
			serveRead();
		});
		if (!scheduled) {
			next.completeExceptionally(new EofException(this + ": the transport has stopped"));
		}
		return next;
	}

	/** Hands the first of what is queued to the pending non-blocking read, if any (event loop). */
	private void serveRead() {
		CompletableFuture<ByteBuffer> next = this.pendingRead;
		if (next == null) {
			return;
		}
		Object item = (this.readingEnded != null) ? this.readingEnded : this.received.poll();
		if (item == null) {
			this.channel.read();
			return;
		}
		this.pendingRead = null;
		if (item == END) {
			this.readingEnded = END;
			this.inputEnded = true;
			next.complete(null);
		}
		else if (item instanceof Throwable failure) {
			this.readingEnded = failure;
			next.completeExceptionally((failure instanceof IOException) ? failure : new EofException(failure));
		}
		else {
			ByteBuf bytes = (ByteBuf) item;
			int count = bytes.readableBytes();
			ByteBuffer copy = ByteBuffer.allocate(count);
			bytes.readBytes(copy);
			bytes.release();
			taken(count);
			next.complete(copy.flip());
		}
	}

	@Override
	public CompletableFuture<Void> write(ByteBuffer bytes) {
		if (!this.writable) {
			throw new IllegalStateException("WebTransport stream " + id() + " is unidirectional from the client");
		}
		use(this.outputUse, Use.FUTURES, "write");
		if (this.outputEnded) {
			return CompletableFuture.failedFuture(new EofException(this + " is closed for sending"));
		}
		ByteBuf buffer = this.channel.alloc().buffer(bytes.remaining()).writeBytes(bytes);
		CompletableFuture<Void> written = new CompletableFuture<>();
		completeWith(this.channel.writeAndFlush(buffer), written);
		return written;
	}

	@Override
	public CompletableFuture<Void> endOutput() {
		if (!this.writable) {
			throw new IllegalStateException("WebTransport stream " + id() + " is unidirectional from the client");
		}
		if (this.outputEnded) {
			return CompletableFuture.completedFuture(null);
		}
		this.outputEnded = true;
		CompletableFuture<Void> ended = new CompletableFuture<>();
		if (!inTaskOfItsOwn(this.channel, () -> completeWith(this.channel.shutdownOutput(), ended))) {
			ended.completeExceptionally(new EofException(this + ": the transport has stopped"));
		}
		return ended;
	}

	/**
	 * Runs the operation in a task of the channel's event loop of its own, outside any pipeline event: what ends a
	 * side of a stream from within one (the handling of the client's FIN, for one) was seen now and then never to send
	 * the FIN asked for, and what the application chains to a completed read runs there. See
	 * docs/workarounds/netty-quic-fin-inside-stream-event.md.
	 * @return {@code false} if the event loop is gone (with the server, and the stream with it)
	 */
	static boolean inTaskOfItsOwn(Channel channel, Runnable operation) {
		try {
			channel.eventLoop().execute(operation);
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

	private static void completeWith(ChannelFuture future, CompletableFuture<Void> done) {
		future.addListener((ignored) -> {
			if (future.isSuccess()) {
				done.complete(null);
			}
			else {
				done.completeExceptionally(new EofException(future.cause()));
			}
		});
	}

	private void use(AtomicReference<Use> direction, Use use, String what) {
		Use was = direction.compareAndExchange(null, use);
		if (was != null && was != use) {
			throw new IllegalStateException("Cannot " + what + " " + this + ((use == Use.FUTURES)
					? " without blocking: it is used through its blocking stream" : " through a blocking stream: it is used"
							+ " without blocking"));
		}
	}

	/**
	 * The application took {@code count} queued bytes: if reading from quiche had stopped at the read-ahead limit, it
	 * goes on.
	 */
	private void taken(int count) {
		long left = this.queued.addAndGet(-count);
		if (left + count >= READ_AHEAD && left < READ_AHEAD) {
			readMore();
		}
	}

	/** Something was queued for the application (event loop). */
	private void queuedOne(Object item) {
		this.received.add(item);
		if (this.pendingRead != null) {
			inTaskOfItsOwn(this.channel, this::serveRead);
		}
	}

	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		boolean endOutput = !this.outputEnded;
		boolean stopInput = !this.inputEnded;
		this.outputEnded = true;
		this.inputEnded = true;
		inTaskOfItsOwn(this.channel, () -> {
			if (endOutput) {
				this.channel.shutdownOutput();
			}
			if (stopInput) {
				// STOP_SENDING: what the client still sends is not wanted.
				this.channel.shutdownInput(Http3ErrorCodes.H3_NO_ERROR);
			}
		});
		release();
		failReads(new EofException(this + " was closed"));
	}

	/** The session ended: what is still open is reset (H3_CONNECT_ERROR, as quiche does for an orphaned stream). */
	void reset() {
		if (this.closed.compareAndSet(false, true)) {
			this.inputEnded = true;
			this.outputEnded = true;
			if (this.channel.isActive()) {
				this.channel.shutdown(Http3ErrorCodes.H3_CONNECT_ERROR);
			}
			// What the application did not read is thrown away; a reader still waiting learns why.
			release();
			failReads(new EofException("WebTransport session " + this.session.id() + " ended"));
		}
	}

	/** A reader still waiting, blocked or with a future, and any later read, learn why there is nothing more. */
	private void failReads(IOException why) {
		this.received.add(why);
		if (this.inputUse.get() == Use.FUTURES) {
			inTaskOfItsOwn(this.channel, this::serveRead);
		}
	}

	private void release() {
		for (Object item = this.received.poll(); item != null; item = this.received.poll()) {
			ReferenceCountUtil.release(item);
		}
	}

	private void readMore() {
		if (this.channel.eventLoop().inEventLoop()) {
			this.channel.read();
		}
		else {
			this.channel.eventLoop().execute(this.channel::read);
		}
	}

	@Override
	public String toString() {
		return "WebTransportStream[" + id() + " of session " + this.session.id() + "]";
	}

	/** Takes the stream's bytes on the event loop. */
	final class Input extends ChannelInboundHandlerAdapter {

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			ctx.channel().config().setAutoRead(false);
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (!(msg instanceof ByteBuf bytes) || NettyWebTransportStream.this.closed.get()) {
				ReferenceCountUtil.release(msg);
				return;
			}
			if (bytes.isReadable()) {
				NettyWebTransportStream.this.queued.addAndGet(bytes.readableBytes());
				queuedOne(bytes);
			}
			else {
				bytes.release();
			}
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			if (NettyWebTransportStream.this.queued.get() < READ_AHEAD && !NettyWebTransportStream.this.inputEnded) {
				ctx.read();
			}
			ctx.fireChannelReadComplete();
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
			if (event instanceof ChannelInputShutdownReadComplete) {
				queuedOne(END);
			}
			ctx.fireUserEventTriggered(event);
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable failure) {
			// A reset by the client (QuicStreamResetException), or quiche failing the stream.
			queuedOne(new EofException(failure));
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			queuedOne(END);
			NettyWebTransportStream.this.session.streamClosed(NettyWebTransportStream.this);
			ctx.fireChannelInactive();
		}

	}

	private enum Use {

		STREAMS, FUTURES

	}

	private final class StreamInput extends InputStream {

		private ByteBuf current;

		private Throwable failure;

		private boolean ended;

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) < 0) ? -1 : one[0] & 0xff;
		}

		@Override
		public int read(byte[] bytes, int offset, int length) throws IOException {
			if (length == 0) {
				return 0;
			}
			use(NettyWebTransportStream.this.inputUse, Use.STREAMS, "read");
			while (this.current == null || !this.current.isReadable()) {
				if (this.current != null) {
					this.current.release();
					this.current = null;
				}
				if (this.failure != null) {
					throw new EofException(this.failure);
				}
				if (this.ended || !NettyWebTransportStream.this.readable) {
					return -1;
				}
				Object next = NettyWebTransportStream.this.received.poll();
				if (next == null) {
					if (NettyWebTransportStream.this.channel.eventLoop().inEventLoop()) {
						// The bytes would come on this very thread: waiting here would wait for ever.
						throw new IllegalStateException("Reading " + NettyWebTransportStream.this + "'s InputStream "
								+ "blocks: not on the transport's event loop (a future's callback, say); use read()");
					}
					readMore();
					try {
						next = NettyWebTransportStream.this.received.take();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						throw new InterruptedIOException("Interrupted reading " + NettyWebTransportStream.this);
					}
				}
				if (next == END) {
					this.ended = true;
					NettyWebTransportStream.this.inputEnded = true;
				}
				else if (next instanceof Throwable thrown) {
					this.failure = thrown;
				}
				else {
					this.current = (ByteBuf) next;
					taken(this.current.readableBytes());
				}
			}
			int count = Math.min(length, this.current.readableBytes());
			this.current.readBytes(bytes, offset, count);
			return count;
		}

		@Override
		public void close() {
			if (this.current != null) {
				this.current.release();
				this.current = null;
			}
		}

	}

	private final class StreamOutput extends OutputStream {

		/** The last write: waited for only while the stream is not writable (quiche's flow control), and at the end. */
		private ChannelFuture lastWrite;

		@Override
		public void write(int b) throws IOException {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			if (NettyWebTransportStream.this.outputEnded) {
				throw new EofException(NettyWebTransportStream.this + " is closed for sending");
			}
			if (length == 0) {
				return;
			}
			use(NettyWebTransportStream.this.outputUse, Use.STREAMS, "write");
			failIfFailed();
			ByteBuf buffer = NettyWebTransportStream.this.channel.alloc().buffer(length).writeBytes(bytes, offset, length);
			this.lastWrite = NettyWebTransportStream.this.channel.writeAndFlush(buffer);
			if (!NettyWebTransportStream.this.channel.isWritable()) {
				await(this.lastWrite);
			}
		}

		@Override
		public void flush() throws IOException {
			if (this.lastWrite != null) {
				await(this.lastWrite);
			}
		}

		@Override
		public void close() throws IOException {
			if (!NettyWebTransportStream.this.outputEnded) {
				flush();
				NettyWebTransportStream.this.outputEnded = true;
				await(NettyWebTransportStream.this.channel.shutdownOutput());
			}
		}

		private void failIfFailed() throws IOException {
			if (this.lastWrite != null && this.lastWrite.isDone() && !this.lastWrite.isSuccess()) {
				throw new EofException(this.lastWrite.cause());
			}
		}

		private void await(ChannelFuture future) throws IOException {
			try {
				future.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new InterruptedIOException("Interrupted writing " + NettyWebTransportStream.this);
			}
			if (!future.isSuccess()) {
				throw new EofException(future.cause());
			}
		}

	}

}
