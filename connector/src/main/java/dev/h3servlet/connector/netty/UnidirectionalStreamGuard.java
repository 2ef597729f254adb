package dev.h3servlet.connector.netty;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http3.Http3Exception;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicException;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler behind Netty's codec on every unidirectional stream the client opens (control, QPACK encoder and decoder,
 * unknown types), where a client's protocol error ends. The errors Netty's codec has already closed the connection for
 * (an {@link Http3Exception}) end here, logged at DEBUG: the client, not the server, is at fault for them. A failure
 * the codec did not act on, such as a control frame whose payload ends inside its last field, closes the connection:
 * H3_FRAME_ERROR on the control stream (RFC 9114 7.1), H3_GENERAL_PROTOCOL_ERROR on the others. A reset
 * ({@link QuicException}) of the control stream goes on to {@link ControlStreamGuard}; of another stream, it is left
 * to Netty's QPACK handlers, which close the connection when a critical stream closes. An {@link Error} is not the
 * client's doing and goes on to Netty's own logging.
 * <p>
 * {@link #INSTALLER} sits behind Netty's {@code Http3ServerConnectionHandler} on the connection and adds the guard to
 * each unidirectional stream before the stream is registered and reads its first byte. Both are sharable: no state.
 * <p>
 * See docs/workarounds/netty-warn-per-client-protocol-error.md and
 * docs/workarounds/netty-settings-parser-reads-past-frame.md for the Netty behaviours this works around, with their
 * reproducers.
 */
@ChannelHandler.Sharable
final class UnidirectionalStreamGuard extends ChannelInboundHandlerAdapter {

	static final UnidirectionalStreamGuard INSTANCE = new UnidirectionalStreamGuard();

	/** The connection's handler that puts {@link #INSTANCE} on each unidirectional stream the client opens. */
	static final ChannelHandler INSTALLER = new Installer();

	private static final Logger logger = LoggerFactory.getLogger(UnidirectionalStreamGuard.class);

	private UnidirectionalStreamGuard() {
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
		if (cause instanceof Http3Exception) {
			logger.debug("The client's unidirectional stream {} broke HTTP/3; Netty's codec closed the connection: {}",
					stream.streamId(), cause.getMessage());
			return;
		}
		if (!(cause instanceof Exception)) {
			ctx.fireExceptionCaught(cause);
			return;
		}
		boolean control = ctx.pipeline().get(ControlStreamGuard.class) != null;
		if (cause instanceof QuicException) {
			if (control) {
				// A reset control stream: ControlStreamGuard, further down, closes the connection.
				ctx.fireExceptionCaught(cause);
			}
			else {
				// Netty's QPACK handlers close the connection when their critical stream closes.
				logger.debug("The client's unidirectional stream {} failed", stream.streamId(), cause);
			}
			return;
		}
		int code = control ? Http3ErrorCodes.H3_FRAME_ERROR : Http3ErrorCodes.H3_GENERAL_PROTOCOL_ERROR;
		String reason = control ? "malformed control frame" : "malformed unidirectional stream";
		logger.debug("The client's unidirectional stream {} could not be decoded: closing the connection with 0x{}",
				stream.streamId(), Integer.toHexString(code), cause);
		QuicChannel connection = stream.parent();
		if (connection.isActive()) {
			connection.close(true, code, Unpooled.copiedBuffer(reason, StandardCharsets.US_ASCII));
		}
	}

	@ChannelHandler.Sharable
	private static final class Installer extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof QuicStreamChannel stream && stream.type() == QuicStreamType.UNIDIRECTIONAL) {
				stream.pipeline().addLast(INSTANCE);
			}
			ctx.fireChannelRead(msg);
		}

	}

}
