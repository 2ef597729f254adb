package dev.h3servlet.connector.netty;

import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link UdpSockets}: N sockets on one port, one event loop each, on epoll and on Java NIO (where epoll is absent).
 */
class UdpSocketsTests {

	private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

	@ChannelHandler.Sharable
	private static final class Nothing extends ChannelInboundHandlerAdapter {

	}

	@Test
	void nioOpensOneReusePortSocketPerEventLoopOnOnePort() throws Exception {
		assertSocketsShareOnePort(false, NioDatagramChannel.class, "nio, 3 sockets");
	}

	@Test
	void epollOpensOneReusePortSocketPerEventLoopOnOnePort() throws Exception {
		assertSocketsShareOnePort(true, EpollDatagramChannel.class, "epoll, 3 sockets");
	}

	@Test
	void aPortHeldElsewhereIsABindExceptionEvenWithReusePort() throws Exception {
		try (DatagramSocket taken = new DatagramSocket(ANY_PORT)) {
			InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
			assertThatExceptionOfType(BindException.class)
				.isThrownBy(() -> UdpSockets.bind(address, options(2, true), new Nothing()));
		}
	}

	private static void assertSocketsShareOnePort(boolean nativeTransport, Class<?> type, String described)
			throws Exception {
		UdpSockets sockets = UdpSockets.bind(ANY_PORT, options(3, nativeTransport), new Nothing());
		try {
			assertThat(sockets.channels()).hasSize(3).allSatisfy((channel) -> {
				assertThat(channel).isInstanceOf(type);
				assertThat(((InetSocketAddress) channel.localAddress()).getPort()).isEqualTo(sockets.localPort());
			});
			assertThat(sockets.channels()).extracting((channel) -> channel.eventLoop()).doesNotHaveDuplicates();
			assertThat(sockets.describe()).startsWith(described);
		}
		finally {
			sockets.close();
			sockets.shutdown();
		}
		assertThat(sockets.isOpen()).isFalse();
	}

	private static UdpSockets.Options options(int count, boolean nativeTransport) {
		return new UdpSockets.Options(count, nativeTransport, true, false, 256 * 1024, 256 * 1024);
	}

}
