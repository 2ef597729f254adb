package dev.h3servlet.connector.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3Exception;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3HeadersValidationException;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicException;
import io.netty.handler.codec.quic.QuicStreamChannel;
import org.eclipse.jetty.util.NanoTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a request stream's pipeline: turns the frames Netty's HTTP/3 codec decoded into calls on the
 * stream's {@link NettyHttpStream}, and reads from quiche only while that stream wants input (the stream channel does
 * not read on its own). Event loop only.
 */
final class RequestStreamHandler extends Http3RequestStreamInboundHandler {

	private static final Logger logger = LoggerFactory.getLogger(RequestStreamHandler.class);

	private final QuicConnection connection;

	private final StreamFrameGatherer gatherer;

	private NettyHttpStream stream;

	private boolean inputClosed;

	RequestStreamHandler(QuicConnection connection, StreamFrameGatherer gatherer) {
		this.connection = connection;
		this.gatherer = gatherer;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		ctx.channel().config().setAutoRead(false);
		if (ctx.channel().isActive()) {
			// Not now: this runs inside the stream's ChannelInitializer, which would take (and close the stream on) a
			// failure decoding what the read brings, instead of this handler.
			ctx.executor().execute(ctx::read);
		}
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		ctx.read();
		ctx.fireChannelActive();
	}

	@Override
	protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
		if (this.stream == null) {
			if (!ctx.channel().parent().isActive()) {
				// Netty's codec is closing the connection for an error earlier in the same read: serve nothing more.
				logger.debug("Not serving request stream {}: its connection is closing", ctx.channel());
				return;
			}
			if (frame.headers().protocol() != null && !this.connection.connector().webTransportEnabled()) {
				// RFC 9220 3: :protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL, which this server did not send, makes
				// the request malformed (RFC 9114 4.1.2): a stream error, and the application never sees it.
				logger.debug("Extended CONNECT on {} without the setting: H3_MESSAGE_ERROR", ctx.channel());
				((QuicStreamChannel) ctx.channel()).shutdown(Http3ErrorCodes.H3_MESSAGE_ERROR);
				this.inputClosed = true;
				return;
			}
			long begin = NanoTime.now();
			this.stream = new NettyHttpStream(this.connection, (QuicStreamChannel) ctx.channel(), this.gatherer);
			Runnable task = this.stream.onRequest(frame.headers(), begin);
			if (task != null) {
				this.connection.connector().getExecutor().execute(task);
			}
		}
		else {
			this.stream.onTrailers(frame.headers());
		}
	}

	@Override
	protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
		if (this.stream == null) {
			// Netty's codec refuses DATA before HEADERS; nothing to give it to.
			frame.release();
			return;
		}
		this.stream.onContent(frame.content());
	}

	@Override
	protected void channelInputClosed(ChannelHandlerContext ctx) {
		this.inputClosed = true;
		if (this.stream != null) {
			this.stream.onInputEnd();
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (!this.inputClosed && (this.stream == null || this.stream.wantsInput())) {
			// A partial frame, the rest of the body the app waits for, or the request's end (read ahead).
			ctx.read();
		}
		ctx.fireChannelReadComplete();
	}

	@Override
	protected void handleQuicException(ChannelHandlerContext ctx, QuicException failure) {
		// The peer reset the stream (RESET_STREAM), or quiche failed it.
		logger.debug("Request stream {} failed", ctx.channel(), failure);
		this.inputClosed = true;
		if (this.stream != null) {
			this.stream.onFailure(failure, true);
		}
	}

	@Override
	protected void handleHttp3Exception(ChannelHandlerContext ctx, Http3Exception failure) {
		// Netty's codec answers the protocol error itself (a stream reset with its code, or a connection error), right
		// after telling us: the exchange fails without a reset of ours.
		logger.debug("HTTP/3 error on request stream {}", ctx.channel(), failure);
		this.inputClosed = true;
		if (this.stream != null) {
			this.stream.onProtocolError(failure);
		}
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable failure) {
		if (failure instanceof QuicException || failure instanceof Http3Exception) {
			super.exceptionCaught(ctx, failure);
			return;
		}
		// A malformed field section (Netty resets the stream with H3_MESSAGE_ERROR), or a failure of ours.
		logger.debug("Request stream {} failed", ctx.channel(), failure);
		this.inputClosed = true;
		if (this.stream != null) {
			if (failure instanceof Http3HeadersValidationException) {
				this.stream.onProtocolError(failure);
			}
			else {
				this.stream.onFailure(failure, true);
			}
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		if (this.stream != null) {
			this.stream.onClosed();
		}
		ctx.fireChannelInactive();
	}

}
