package dev.h3servlet.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;

/**
 * The handler of a QUIC stream channel that collects what the peer sends on it, to its FIN: {@link #answer()}
 * completes with the bytes at the FIN, or fails if the stream fails or closes first.
 */
public final class QuicStreamAnswer extends ChannelInboundHandlerAdapter {

	private final CompletableFuture<byte[]> answer = new CompletableFuture<>();

	private final ByteArrayOutputStream received = new ByteArrayOutputStream();

	/** What the peer sent, once it ended its side of the stream. */
	public CompletableFuture<byte[]> answer() {
		return this.answer;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		ByteBuf bytes = (ByteBuf) msg;
		byte[] chunk = new byte[bytes.readableBytes()];
		bytes.readBytes(chunk);
		this.received.write(chunk, 0, chunk.length);
		ReferenceCountUtil.release(msg);
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
		if (event instanceof ChannelInputShutdownReadComplete) {
			this.answer.complete(this.received.toByteArray());
		}
		ctx.fireUserEventTriggered(event);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		this.answer.completeExceptionally(cause);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.answer.completeExceptionally(new IOException("Stream closed before its end"));
		ctx.fireChannelInactive();
	}

}
