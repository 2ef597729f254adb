package dev.h3servlet.it.faults;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

/**
 * One request stream, on Netty's HTTP/3 codec, that the client aborts half-way:
 * <ul>
 * <li>{@link Kind#UPLOAD}: a POST declaring {@value #UPLOAD_DECLARED} body bytes sends {@value #UPLOAD_SENT} of them,
 * waits for the response's field section (the servlet commits it on entry, so the request has reached it), then
 * resets the stream both ways (RESET_STREAM and STOP_SENDING, H3_REQUEST_CANCELLED);</li>
 * <li>{@link Kind#DOWNLOAD}: a GET (its end in the same frame as its field section) whose large response is read
 * until {@value #DOWNLOAD_READ} bytes have arrived, then STOP_SENDING (H3_REQUEST_CANCELLED).</li>
 * <li>{@link Kind#STALLED_UPLOAD}: sends as an upload does, then neither sends nor aborts anything more.</li>
 * </ul>
 * {@link #responded} completes when the response's field section arrives, {@link #aborted} once the abort is sent,
 * or fails if the stream ended otherwise.
 */
final class AbortingExchange extends Http3RequestStreamInboundHandler {

	static final int UPLOAD_DECLARED = 1024 * 1024;

	static final int UPLOAD_SENT = 16 * 1024;

	static final int DOWNLOAD_READ = 8 * 1024;

	/** H3_REQUEST_CANCELLED. */
	private static final int REQUEST_CANCELLED = 0x10c;

	private static final byte[] UPLOAD_CHUNK = new byte[UPLOAD_SENT];

	enum Kind {

		UPLOAD, DOWNLOAD, STALLED_UPLOAD

	}

	final CompletableFuture<Void> responded = new CompletableFuture<>();

	final CompletableFuture<Void> aborted = new CompletableFuture<>();

	private final Kind kind;

	private final String path;

	private final String id;

	private final String authority;

	private long received;

	private boolean abortSent;

	private AbortingExchange(Kind kind, String path, String id, String authority) {
		this.kind = kind;
		this.path = path;
		this.id = id;
		this.authority = authority;
	}

	/** Opens a request stream on the connection and starts the exchange on it. */
	static AbortingExchange start(QuicChannel connection, Kind kind, String path, String id, String authority) {
		AbortingExchange exchange = new AbortingExchange(kind, path, id, authority);
		Http3.newRequestStream(connection, exchange).addListener((Future<QuicStreamChannel> future) -> {
			if (future.isSuccess()) {
				exchange.send(future.getNow());
			}
			else {
				exchange.fail(future.cause());
			}
		});
		return exchange;
	}

	private void send(QuicStreamChannel stream) {
		Http3Headers headers = new DefaultHttp3Headers().method((this.kind != Kind.DOWNLOAD) ? "POST" : "GET")
			.scheme("https")
			.authority(this.authority)
			.path(this.path);
		headers.add("x-abort-id", this.id);
		if (this.kind != Kind.DOWNLOAD) {
			headers.setLong("content-length", UPLOAD_DECLARED);
			stream.write(new DefaultHttp3HeadersFrame(headers)).addListener(this::failOnError);
			stream.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(UPLOAD_CHUNK)))
				.addListener(this::failOnError);
		}
		else {
			// No flush in between: the field section and the request's end leave in one STREAM frame.
			stream.write(new DefaultHttp3HeadersFrame(headers)).addListener(this::failOnError);
			stream.shutdownOutput().addListener(this::failOnError);
		}
	}

	private void failOnError(Future<?> future) {
		if (!future.isSuccess()) {
			fail(future.cause());
		}
	}

	private void fail(Throwable failure) {
		this.responded.completeExceptionally(failure);
		if (!this.abortSent) {
			this.aborted.completeExceptionally(failure);
		}
	}

	@Override
	protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
		this.responded.complete(null);
		if (this.kind == Kind.UPLOAD) {
			abort(ctx);
		}
	}

	@Override
	protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
		this.received += frame.content().readableBytes();
		ReferenceCountUtil.release(frame);
		if (this.kind == Kind.DOWNLOAD && this.received >= DOWNLOAD_READ) {
			abort(ctx);
		}
	}

	private void abort(ChannelHandlerContext ctx) {
		if (this.abortSent) {
			return;
		}
		this.abortSent = true;
		QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
		Future<Void> reset = (this.kind == Kind.UPLOAD) ? stream.shutdown(REQUEST_CANCELLED)
				: stream.shutdownInput(REQUEST_CANCELLED);
		reset.addListener((future) -> {
			stream.close();
			if (future.isSuccess()) {
				this.aborted.complete(null);
			}
			else {
				this.aborted.completeExceptionally(future.cause());
			}
		});
	}

	@Override
	protected void channelInputClosed(ChannelHandlerContext ctx) {
		fail(new IOException(this.kind + " " + this.id + ": the response ended before the client aborted, after "
				+ this.received + " bytes"));
		ctx.close();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		fail(cause);
		ctx.close();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		fail(new IOException(this.kind + " " + this.id + ": stream closed before the client aborted, after "
				+ this.received + " bytes"));
		super.channelInactive(ctx);
	}

}
