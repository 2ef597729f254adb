package dev.h3servlet.connector.netty;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the HTTP/3 frame boundaries of a request stream's bytes, in front of Netty's frame codec, and closes the
 * connection with H3_FRAME_ERROR when the client ends the stream (FIN) inside a frame: RFC 9114 7.1 makes a truncated
 * frame on a cleanly closed stream a connection error.
 * <p>
 * Passes every byte on untouched; it only counts. Event loop only; one per stream.
 * <p>
 * See docs/workarounds/netty-truncated-frame-at-fin.md for the Netty behaviour this works around, with its reproducer.
 */
final class FrameBoundaryGuard extends ChannelInboundHandlerAdapter {

	private static final Logger logger = LoggerFactory.getLogger(FrameBoundaryGuard.class);

	/** What the next byte belongs to. */
	private enum State {
		TYPE, LENGTH, PAYLOAD
	}

	private State state = State.TYPE;

	/** Bytes of the current variable-length integer still to read. */
	private int varintRemaining;

	private long varint;

	private long payloadRemaining;

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof ByteBuf buffer) {
			scan(buffer, buffer.readerIndex(), buffer.writerIndex());
		}
		ctx.fireChannelRead(msg);
	}

	private void scan(ByteBuf buffer, int from, int to) {
		int index = from;
		while (index < to) {
			if (this.state == State.PAYLOAD) {
				long skip = Math.min(this.payloadRemaining, to - index);
				index += (int) skip;
				this.payloadRemaining -= skip;
				if (this.payloadRemaining == 0) {
					this.state = State.TYPE;
				}
				continue;
			}
			int b = buffer.getUnsignedByte(index++);
			if (this.varintRemaining == 0) {
				this.varintRemaining = (1 << (b >> 6)) - 1;
				this.varint = b & 0x3f;
			}
			else {
				this.varint = (this.varint << 8) | b;
				this.varintRemaining--;
			}
			if (this.varintRemaining == 0) {
				if (this.state == State.TYPE) {
					this.state = State.LENGTH;
				}
				else {
					this.payloadRemaining = this.varint;
					this.state = (this.payloadRemaining == 0) ? State.TYPE : State.PAYLOAD;
				}
			}
		}
	}

	/** Whether the bytes so far end exactly at a frame boundary. */
	private boolean atFrameBoundary() {
		return this.state == State.TYPE && this.varintRemaining == 0;
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
		if (event == ChannelInputShutdownEvent.INSTANCE && !atFrameBoundary()) {
			QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
			logger.debug("Request stream {} ended inside a frame ({}): closing the connection with H3_FRAME_ERROR",
					stream.streamId(), this.state);
			stream.parent().close(true, Http3ErrorCodes.H3_FRAME_ERROR,
					Unpooled.copiedBuffer("stream ended inside a frame", StandardCharsets.US_ASCII));
			return;
		}
		ctx.fireUserEventTriggered(event);
	}

}
