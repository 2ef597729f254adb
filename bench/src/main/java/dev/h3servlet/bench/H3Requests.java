package dev.h3servlet.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import dev.h3servlet.bench.Load.Protocol;
import dev.h3servlet.bench.MixedLoad.Kind;
import dev.h3servlet.bench.MixedLoad.Outcome;
import dev.h3servlet.bench.MixedLoad.Sender;
import dev.h3servlet.test.NettyHttp3Client;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamLimitChangedEvent;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The h3 requests of {@link MixedLoad}: GETs on the connections of Netty's HTTP/3 client ({@link NettyHttp3Client}),
 * each on a new request stream with a handler of its own ({@link H3Exchange}), so that the outcome can tell when the
 * response headers arrived and which HTTP/3 error code a stream reset carried; requests above the server's stream
 * limit wait for it ({@link H3Streams}). Every request is bounded by {@value MixedLoad#MixedLoad.TIMEOUT_SECONDS} seconds.
 */
final class H3Requests {

	/** HTTP/3 application error codes (RFC 9114 section 8.1), to name a stream reset's code. */
	private static final String[] H3_ERRORS = { "H3_NO_ERROR", "H3_GENERAL_PROTOCOL_ERROR", "H3_INTERNAL_ERROR",
			"H3_STREAM_CREATION_ERROR", "H3_CLOSED_CRITICAL_STREAM", "H3_FRAME_UNEXPECTED", "H3_FRAME_ERROR",
			"H3_EXCESSIVE_LOAD", "H3_ID_ERROR", "H3_SETTINGS_ERROR", "H3_MISSING_SETTINGS", "H3_REQUEST_REJECTED",
			"H3_REQUEST_CANCELLED", "H3_REQUEST_INCOMPLETE", "H3_MESSAGE_ERROR", "H3_CONNECT_ERROR",
			"H3_VERSION_FALLBACK" };

	private static final int H3_REQUEST_CANCELLED = 0x10c;

	private H3Requests() {
	}

	/**
	 * h3: round robin over the connections, each request on a new request stream of Netty's HTTP/3 client.
	 * @param waits counts the requests that had to wait for the server's stream limit ({@link H3Streams})
	 */
	static Sender sender(List<NettyHttp3Client> connections, int port, byte[] stylesheet, LongAdder waits) {
		AtomicInteger next = new AtomicInteger();
		String authority = "127.0.0.1:" + port;
		List<H3Streams> streams = new ArrayList<>();
		for (NettyHttp3Client connection : connections) {
			H3Streams opener = new H3Streams(connection.quicChannel(), waits);
			// First: it must see the stream-limit events before any handler of the client could keep them.
			connection.quicChannel().pipeline().addFirst("bench-h3-streams", opener);
			streams.add(opener);
		}
		return (path, scheduledNanos, done) -> {
			H3Streams opener = streams.get(Math.floorMod(next.getAndIncrement(), streams.size()));
			H3Exchange exchange = new H3Exchange(authority, path, scheduledNanos, stylesheet, done);
			try {
				opener.connection.eventLoop().execute(() -> opener.submit(exchange));
			}
			catch (RejectedExecutionException ex) {
				exchange.finish(Kind.REFUSED, "the client's event loop stopped");
			}
		};
	}

	/** An HTTP/3 error code by its RFC 9114 name. */
	static String h3ErrorName(long code) {
		return (code >= 0x100 && code < 0x100 + H3_ERRORS.length) ? H3_ERRORS[(int) code - 0x100]
				: "code 0x" + Long.toHexString(code);
	}

	/**
	 * One h3 GET on a request stream of a Netty HTTP/3 client's connection, with this handler on the stream (rather
	 * than the client's own, to see when response headers arrive and which code a reset carries). All but
	 * {@link #finish} runs on the connection's event loop.
	 */
	private static final class H3Exchange extends Http3RequestStreamInboundHandler {

		private final String authority;

		private final String path;

		private final long scheduledNanos;

		private final byte[] stylesheet;

		private final Consumer<Outcome> done;

		private final AtomicBoolean finished = new AtomicBoolean();

		private final ByteArrayOutputStream body = new ByteArrayOutputStream();

		private QuicStreamChannel stream;

		private ScheduledFuture<?> timeout;

		/** 0 until the response's final field section arrived. */
		private int status;

		/** Whether its stream was asked for (else it still waits for the server's stream limit). */
		private boolean opened;

		private long contentLength = -1;

		H3Exchange(String authority, String path, long scheduledNanos, byte[] stylesheet, Consumer<Outcome> done) {
			this.authority = authority;
			this.path = path;
			this.scheduledNanos = scheduledNanos;
			this.stylesheet = stylesheet;
			this.done = done;
		}

		/** Starts the request's timeout, from now; on the connection's event loop, before it waits or opens. */
		void startTimeout(QuicChannel connection) {
			long left = TimeUnit.SECONDS.toNanos(MixedLoad.TIMEOUT_SECONDS) - (System.nanoTime() - this.scheduledNanos);
			this.timeout = connection.eventLoop().schedule(this::timedOut, Math.max(left, 0), TimeUnit.NANOSECONDS);
		}

		boolean finished() {
			return this.finished.get();
		}

		/** Opens the request stream ({@link H3Streams} knows the server allows it); on the connection's event loop. */
		void open(QuicChannel connection) {
			this.opened = true;
			if (!connection.isActive()) {
				finish(Kind.REFUSED, "connection closed");
				return;
			}
			Http3.newRequestStream(connection, this).addListener((Future<QuicStreamChannel> future) -> {
				if (!future.isSuccess()) {
					finish(Kind.REFUSED, "no request stream: " + MixedLoad.describe(future.cause()));
					return;
				}
				QuicStreamChannel stream = future.getNow();
				this.stream = stream;
				if (this.finished.get()) {
					stream.close();
					return;
				}
				DefaultHttp3Headers headers = new DefaultHttp3Headers();
				headers.method("GET").scheme("https").authority(this.authority).path(this.path);
				// The FIN only once quiche took the whole field section: Netty's stream channel sends a FIN at once even
				// while earlier bytes wait for send capacity (quiche bounds it by the congestion window too), which ends
				// the stream inside the HEADERS frame, and the server rightly closes the connection (H3_FRAME_ERROR).
				stream.writeAndFlush(new DefaultHttp3HeadersFrame(headers)).addListener((written) -> {
					failOnError(written);
					if (written.isSuccess()) {
						stream.shutdownOutput().addListener(this::failOnError);
					}
				});
			});
		}

		private void failOnError(Future<?> future) {
			if (!future.isSuccess() && finish(Kind.REFUSED, "request not sent: " + MixedLoad.describe(future.cause()))) {
				this.stream.close();
			}
		}

		@Override
		protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
			CharSequence status = frame.headers().status();
			if (this.status != 0 || status == null) {
				return; // trailers, or a malformed answer that the end will name
			}
			if (status.length() == 3 && status.charAt(0) == '1') {
				return; // informational (1xx): the final response follows
			}
			try {
				this.status = Integer.parseInt(status.toString());
				CharSequence length = frame.headers().get("content-length");
				this.contentLength = (length != null) ? Long.parseLong(length.toString()) : -1;
			}
			catch (NumberFormatException ex) {
				this.status = -1;
			}
		}

		@Override
		protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
			try {
				frame.content().readBytes(this.body, frame.content().readableBytes());
			}
			catch (IOException ex) {
				exceptionCaught(ctx, ex);
			}
			finally {
				ReferenceCountUtil.release(frame);
			}
		}

		@Override
		protected void channelInputClosed(ChannelHandlerContext ctx) {
			if (this.status == 0) {
				finish(Kind.REFUSED, "stream ended without response headers");
			}
			else if (this.status != 200) {
				finish(Kind.STATUS, "status " + this.status);
			}
			else if (this.contentLength >= 0 && this.body.size() != this.contentLength) {
				finish(Kind.LOST, "body cut: " + this.body.size() + " of " + this.contentLength + " bytes");
			}
			else {
				String problem = MixedLoad.answerProblem(Protocol.H3, this.path, this.body.toByteArray(), this.stylesheet);
				finish((problem == null) ? Kind.OK : Kind.LOST, (problem == null) ? null : "wrong answer: " + problem);
			}
			ctx.close();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			finish((this.status == 0) ? Kind.REFUSED : Kind.LOST,
					MixedLoad.describe(cause) + ((this.status == 0) ? "" : " after status " + this.status));
			ctx.close();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) throws Exception {
			finish((this.status == 0) ? Kind.REFUSED : Kind.LOST, "stream closed before the response ended"
					+ ((this.status == 0) ? "" : " after status " + this.status));
			super.channelInactive(ctx);
		}

		private void timedOut() {
			if (!this.opened) {
				finish(Kind.LIMITED, "waited " + MixedLoad.TIMEOUT_SECONDS + " s for the server's QUIC stream limit, never sent");
				return;
			}
			boolean headers = this.status != 0;
			if (finish(headers ? Kind.LOST : Kind.TIMEOUT, "no " + (headers ? "end of the response" : "response headers")
					+ " in " + MixedLoad.TIMEOUT_SECONDS + " s")) {
				QuicStreamChannel stream = this.stream;
				if (stream != null) {
					stream.shutdown(H3_REQUEST_CANCELLED).addListener((future) -> stream.close());
				}
			}
		}

		/** Reports the outcome unless one was reported already; whether this call reported it. Any thread. */
		boolean finish(Kind kind, String detail) {
			if (!this.finished.compareAndSet(false, true)) {
				return false;
			}
			ScheduledFuture<?> timeout = this.timeout;
			if (timeout != null) {
				timeout.cancel(false);
			}
			this.done.accept(new Outcome(kind, detail, System.nanoTime() - this.scheduledNanos));
			return true;
		}

	}

	/**
	 * Opens h3 request streams on one connection within the server's stream limit (its MAX_STREAMS), and keeps the
	 * requests beyond it waiting in order until the server allows more, as Jetty's client queues h2 requests above
	 * the server's MAX_CONCURRENT_STREAMS. Netty's client keeps the limit it last read from quiche and reads it again
	 * only once it has reached 0, on the next packet received, firing a {@link QuicStreamLimitChangedEvent} when it
	 * changed; a stream opened beyond the limit would fail after using up a stream id, which the server then counts as
	 * open for good. On the connection's pipeline, first; everything runs on its event loop.
	 */
	private static final class H3Streams extends ChannelInboundHandlerAdapter {

		private final QuicChannel connection;

		private final LongAdder waits;

		private final ArrayDeque<H3Exchange> waiting = new ArrayDeque<>();

		/** Why the connection closed, once it did. */
		private String closed;

		H3Streams(QuicChannel connection, LongAdder waits) {
			this.connection = connection;
			this.waits = waits;
		}

		void submit(H3Exchange exchange) {
			if (this.closed != null) {
				exchange.finish(Kind.REFUSED, "connection closed (" + this.closed + ")");
				return;
			}
			exchange.startTimeout(this.connection);
			if (this.waiting.isEmpty() && this.connection.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0) {
				exchange.open(this.connection);
				return;
			}
			this.waits.increment();
			if (this.waiting.size() >= 1024) {
				this.waiting.removeIf(H3Exchange::finished);
			}
			this.waiting.add(exchange);
		}

		private void openWaiting() {
			while (!this.waiting.isEmpty() && this.connection.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0) {
				H3Exchange next = this.waiting.poll();
				if (!next.finished()) {
					next.open(this.connection);
				}
			}
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
			if (event instanceof QuicStreamLimitChangedEvent) {
				openWaiting();
			}
			else if (event instanceof QuicConnectionCloseEvent close) {
				this.closed = "the server closed it: " + (close.isApplicationClose() ? "application error "
						+ h3ErrorName(close.error()) : "QUIC transport error 0x" + Integer.toHexString(close.error()))
						+ ((close.reason().length > 0) ? " '" + new String(close.reason(), StandardCharsets.UTF_8) + "'"
								: "");
			}
			super.userEventTriggered(ctx, event);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) throws Exception {
			if (this.closed == null) {
				this.closed = this.connection.isTimedOut() ? "QUIC idle timeout" : "closed by the client";
			}
			if (this.connection.isTimedOut() || this.closed.startsWith("the server")) {
				System.err.println("  an h3 connection closed: " + this.closed);
			}
			for (H3Exchange exchange; (exchange = this.waiting.poll()) != null;) {
				exchange.finish(Kind.REFUSED, "connection closed while waiting for a stream (" + this.closed + ")");
			}
			super.channelInactive(ctx);
		}

	}

}
