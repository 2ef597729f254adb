package dev.h3servlet.connector.netty;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the header of a stream that may be a WebTransport stream and hands the stream to its session.
 * <ul>
 * <li>On a bidirectional stream (first on its pipeline, before Netty's HTTP/3 codec, which would take WebTransport's
 * 0x41 signal for a frame type and the session id for its length): a stream that starts with 0x41 and a session id
 * leaves HTTP/3, every other handler is removed; any other stream is left to HTTP/3 untouched.</li>
 * <li>On a unidirectional stream of type 0x54 (Netty has read the type): the session id.</li>
 * </ul>
 * A stream for a session that is not open is refused with H3_WEBTRANSPORT_BUFFERED_STREAM_REJECTED: streams are not
 * buffered until their session opens.
 */
final class WebTransportStreamHeader extends ByteToMessageDecoder {

	private static final Logger logger = LoggerFactory.getLogger(WebTransportStreamHeader.class);

	private final QuicConnection connection;

	private final boolean bidirectional;

	private WebTransportStreamHeader(QuicConnection connection, boolean bidirectional) {
		this.connection = connection;
		this.bidirectional = bidirectional;
	}

	/** For a bidirectional stream the client opened: first on its pipeline. */
	static WebTransportStreamHeader bidirectional(QuicConnection connection) {
		return new WebTransportStreamHeader(connection, true);
	}

	/** For a unidirectional stream of type 0x54, in place of Netty's stream type reader. */
	static WebTransportStreamHeader unidirectional(QuicConnection connection) {
		return new WebTransportStreamHeader(connection, false);
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		int start = in.readerIndex();
		if (this.bidirectional) {
			if (!WebTransportWire.hasVarint(in)) {
				return;
			}
			if (WebTransportWire.readVarint(in) != WebTransportWire.BIDIRECTIONAL_STREAM_SIGNAL) {
				// An HTTP/3 request stream: its bytes go on to the codec once this is gone.
				in.readerIndex(start);
				ctx.pipeline().remove(this);
				return;
			}
		}
		if (!WebTransportWire.hasVarint(in)) {
			in.readerIndex(start);
			return;
		}
		long sessionId = WebTransportWire.readVarint(in);
		QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
		NettyWebTransportSession session = this.connection.webTransportSession(sessionId);
		if (session == null) {
			logger.debug("Refusing WebTransport stream {} of {}: no open session {}", stream.streamId(),
					this.connection, sessionId);
			in.skipBytes(in.readableBytes());
			stream.shutdown(Http3ErrorCodes.WEBTRANSPORT_BUFFERED_STREAM_REJECTED);
			ctx.pipeline().remove(this);
			return;
		}
		ByteBuf rest = in.readRetainedSlice(in.readableBytes());
		for (String name : ctx.pipeline().names()) {
			ChannelHandler handler = ctx.pipeline().get(name);
			if (handler != null && handler != this) {
				ctx.pipeline().remove(handler);
			}
		}
		ctx.pipeline().remove(this);
		session.onStream(stream, this.bidirectional, rest);
	}

}
