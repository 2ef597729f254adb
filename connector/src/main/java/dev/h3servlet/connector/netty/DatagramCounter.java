package dev.h3servlet.connector.netty;

import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the UDP payload bytes of every datagram through the listener's socket, in front of the QUIC codec. Sharable:
 * its only state is the statistics it adds to.
 */
@ChannelHandler.Sharable
final class DatagramCounter extends ChannelDuplexHandler {

	private final NettyStatistics statistics;

	DatagramCounter(NettyStatistics statistics) {
		this.statistics = statistics;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof ByteBufHolder datagram) {
			this.statistics.received(datagram.content().readableBytes());
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof ByteBufHolder datagram) {
			this.statistics.sent(datagram.content().readableBytes());
		}
		ctx.write(msg, promise);
	}

}
