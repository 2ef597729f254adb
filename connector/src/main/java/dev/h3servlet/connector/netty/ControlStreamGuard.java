package dev.h3servlet.connector.netty;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http3.Http3Exception;
import io.netty.handler.codec.quic.QuicException;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of the client's control stream: closes the connection with H3_CLOSED_CRITICAL_STREAM when the
 * client resets its control stream (RFC 9114 6.2.1). The control frames Netty has already acted on end here, and so do
 * the protocol errors it has already closed the connection for (logged at DEBUG: the client's fault, not the
 * server's). Sharable: no state.
 * <p>
 * See docs/workarounds/netty-control-stream-reset-passes.md for the Netty behaviour this works around, with its
 * reproducer.
 */
@ChannelHandler.Sharable
final class ControlStreamGuard extends ChannelInboundHandlerAdapter {

	static final ControlStreamGuard INSTANCE = new ControlStreamGuard();

	private static final Logger logger = LoggerFactory.getLogger(ControlStreamGuard.class);

	private ControlStreamGuard() {
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		ReferenceCountUtil.release(msg);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (cause instanceof QuicException) {
			logger.debug("The client's control stream failed: closing the connection", cause);
			((QuicStreamChannel) ctx.channel()).parent().close(true, Http3ErrorCodes.H3_CLOSED_CRITICAL_STREAM,
					Unpooled.copiedBuffer("control stream reset", StandardCharsets.US_ASCII));
			return;
		}
		if (cause instanceof Http3Exception) {
			// Netty's control stream handler has closed the connection with the error's code already.
			logger.debug("The client's control stream broke HTTP/3; Netty's codec closed the connection: {}",
					cause.getMessage());
			return;
		}
		ctx.fireExceptionCaught(cause);
	}

}
