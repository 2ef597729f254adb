package dev.h3servlet.connector.netty;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamFrame;

/**
 * Sits at the head of a request stream's pipeline, below Netty's HTTP/3 frame codec, and gathers the encoded frames of
 * one Jetty send (field section, content, trailers) into a single write to quiche, with the stream's FIN on the last
 * one. Gathered, a small response leaves in one packet, and the FIN always follows its data.
 * <p>
 * See docs/workarounds/netty-quic-stream-write-per-call.md and
 * docs/workarounds/netty-quic-fin-overtakes-queued-writes.md for the Netty behaviours this works around.
 * <p>
 * Event loop only; not sharable.
 */
final class StreamFrameGatherer extends ChannelOutboundHandlerAdapter {

	private final List<ChannelPromise> promises = new ArrayList<>(4);

	private ChannelHandlerContext context;

	private CompositeByteBuf pending;

	private boolean gathering;

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.context = ctx;
	}

	/** Starts gathering what the frames written next encode to. */
	void begin() {
		assert this.context.executor().inEventLoop();
		this.gathering = true;
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (this.gathering && msg instanceof ByteBuf buffer) {
			if (this.pending == null) {
				this.pending = ctx.alloc().compositeDirectBuffer(8);
			}
			this.pending.addComponent(true, buffer);
			this.promises.add(promise);
			return;
		}
		ctx.write(msg, promise);
	}

	/**
	 * Writes what was gathered since {@link #begin()} as one buffer, with the FIN if asked; the gathered writes
	 * complete with it.
	 * @return the future of the whole write
	 */
	ChannelFuture end(boolean fin) {
		ChannelHandlerContext ctx = this.context;
		this.gathering = false;
		CompositeByteBuf data = this.pending;
		this.pending = null;
		List<ChannelPromise> gathered = List.copyOf(this.promises);
		this.promises.clear();
		if (data == null && !fin) {
			return ctx.newSucceededFuture();
		}
		Object message;
		if (data == null) {
			message = QuicStreamFrame.EMPTY_FIN;
		}
		else {
			message = fin ? new DefaultQuicStreamFrame(data, true) : data;
		}
		ChannelPromise promise = ctx.newPromise();
		if (!gathered.isEmpty()) {
			promise.addListener((future) -> {
				for (ChannelPromise each : gathered) {
					if (future.isSuccess()) {
						each.trySuccess();
					}
					else {
						each.tryFailure(future.cause());
					}
				}
			});
		}
		ctx.writeAndFlush(message, promise);
		return promise;
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		if (this.pending != null) {
			this.pending.release();
			this.pending = null;
		}
	}

}
