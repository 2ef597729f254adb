package dev.h3servlet.connector.quiche;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;

import org.eclipse.jetty.io.DatagramChannelEndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's datagram end point, counting the UDP payload bytes received and sent for the connector's statistics, and
 * noting when each peer was last heard from, for the {@link SilentPeerReaper}.
 */
final class CountingEndPoint extends DatagramChannelEndPoint {

	private final QuicheStatistics statistics;

	private final SilentPeerReaper reaper;

	CountingEndPoint(DatagramChannel channel, ManagedSelector selector, SelectionKey selectionKey, Scheduler scheduler,
			QuicheStatistics statistics, SilentPeerReaper reaper) {
		super(channel, selector, selectionKey, scheduler);
		this.statistics = statistics;
		this.reaper = reaper;
	}

	@Override
	public SocketAddress receive(ByteBuffer buffer) throws IOException {
		int before = buffer.remaining();
		SocketAddress peer = super.receive(buffer);
		if (peer != null && peer != EOF) {
			this.statistics.received(buffer.remaining() - before);
			this.reaper.received(peer);
		}
		return peer;
	}

	@Override
	public boolean send(SocketAddress address, ByteBuffer... buffers) throws IOException {
		long before = remaining(buffers);
		try {
			return super.send(address, buffers);
		}
		finally {
			this.statistics.sent(before - remaining(buffers));
		}
	}

	private static long remaining(ByteBuffer... buffers) {
		long remaining = 0;
		for (ByteBuffer buffer : buffers) {
			remaining += buffer.remaining();
		}
		return remaining;
	}

}
