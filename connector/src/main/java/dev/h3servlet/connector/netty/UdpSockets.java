package dev.h3servlet.connector.netty;

import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.Http3StartupException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicCodecDispatcher;
import io.netty.handler.codec.quic.QuicConnectionIdGenerator;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The listener's UDP sockets, one per event loop, all on one port. One socket on one event loop can use one core;
 * with more, each socket is opened with {@code SO_REUSEPORT}, so the kernel spreads clients over them by address,
 * and a {@link QuicCodecDispatcher} hands a packet whose connection ID names another socket's QUIC codec to that
 * codec (a client whose address changed). Linux's epoll transport is used where its native library loads (it reads
 * datagrams in batches and can send a burst of packets as one segmented datagram, GSO); Java NIO elsewhere.
 */
final class UdpSockets {

	/** Packets a segmented datagram may carry when GSO is on: Netty's QUIC default. */
	private static final int GSO_MAX_SEGMENTS = 10;

	private final EventLoopGroup group;

	private final List<Channel> channels;

	private final boolean epoll;

	private final boolean gso;

	private UdpSockets(EventLoopGroup group, List<Channel> channels, boolean epoll, boolean gso) {
		this.group = group;
		this.channels = channels;
		this.epoll = epoll;
		this.gso = gso;
	}

	/**
	 * Binds {@code count} sockets to {@code address} (port 0: the first socket's port, for all), each registered on its
	 * own event loop, with {@code handler} (sharable) first in each pipeline.
	 * @throws Exception what binding threw, as it is (Netty rethrows checked exceptions unchanged)
	 */
	static UdpSockets bind(InetSocketAddress address, Options options, ChannelHandler handler) throws Exception {
		requireFree(address);
		boolean epoll = options.nativeTransport() && Epoll.isAvailable();
		if (options.count() > 1 && !epoll && !NioReusePort.SUPPORTED) {
			throw new Http3StartupException("More than one event loop needs SO_REUSEPORT, which this platform's "
					+ "UDP sockets lack", "Set the event loops to 1");
		}
		IoHandlerFactory ioHandler = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.count(),
				new DefaultThreadFactory("h3servlet-quic"), ioHandler);
		List<Channel> channels = new ArrayList<>();
		try {
			Bootstrap bootstrap = new Bootstrap().group(group)
				.channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
				.option(ChannelOption.SO_RCVBUF, options.receiveBufferSize())
				.option(ChannelOption.SO_SNDBUF, options.sendBufferSize())
				.handler(handler);
			if (epoll && options.gro()) {
				bootstrap.option(EpollChannelOption.UDP_GRO, true);
			}
			if (options.count() > 1) {
				if (epoll) {
					bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
				}
				else {
					bootstrap.option(NioReusePort.OPTION, true);
				}
			}
			InetSocketAddress next = address;
			for (int i = 0; i < options.count(); i++) {
				Channel channel = bootstrap.bind(next).syncUninterruptibly().channel();
				channels.add(channel);
				next = new InetSocketAddress(address.getAddress(), ((InetSocketAddress) channel.localAddress()).getPort());
			}
			boolean gso = epoll && options.gso() && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
			return new UdpSockets(group, List.copyOf(channels), epoll, gso);
		}
		catch (Exception | Error ex) {
			channels.forEach(Channel::close);
			group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
			throw ex;
		}
	}

	/**
	 * Fails with a {@link BindException} when something else holds the port. The sockets are opened with
	 * {@code SO_REUSEPORT} when there are several, and another process of the same user that did the same (an old
	 * instance of the application) would otherwise share the port with them silently; epoll also reports a port in use
	 * as its own exception, where a JDK socket throws {@code BindException}.
	 */
	private static void requireFree(InetSocketAddress address) throws BindException {
		if (address.getPort() == 0) {
			return;
		}
		try (DatagramSocket probe = new DatagramSocket(address)) {
			// free: closed again at once, for the listener's own sockets
		}
		catch (BindException ex) {
			throw ex;
		}
		catch (java.net.SocketException ex) {
			// not a port in use (e.g. an address not on this host): binding itself reports it
		}
	}

	/**
	 * Adds Netty's QUIC codec, built by {@code codec}, to every socket: directly with one socket, behind a
	 * {@link QuicCodecDispatcher} (one codec per socket, each issuing connection IDs that name it) with more.
	 */
	void addCodec(QuicServerCodecBuilder codec) {
		if (this.gso) {
			codec.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR,
					EpollQuicUtils.newSegmentedAllocator(GSO_MAX_SEGMENTS));
		}
		if (this.channels.size() == 1) {
			this.channels.get(0).pipeline().addLast(codec.build());
			return;
		}
		QuicCodecDispatcher dispatcher = new QuicCodecDispatcher() {

			@Override
			protected void initChannel(Channel channel, int localConnectionIdLength,
					QuicConnectionIdGenerator idGenerator) {
				channel.pipeline()
					.addLast(codec.clone()
						.localConnectionIdLength(localConnectionIdLength)
						.connectionIdAddressGenerator(idGenerator)
						.build());
			}

		};
		for (Channel channel : this.channels) {
			channel.pipeline().addLast(dispatcher);
		}
	}

	List<Channel> channels() {
		return this.channels;
	}

	int localPort() {
		return ((InetSocketAddress) this.channels.get(0).localAddress()).getPort();
	}

	boolean isOpen() {
		return this.channels.stream().anyMatch(Channel::isOpen);
	}

	/** Closes the sockets and waits (up to 5 s each) for them to be closed. */
	void close() {
		for (Channel channel : this.channels) {
			channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
		}
	}

	/** Stops the event loops, giving tasks already queued up to 2 s. */
	void shutdown() {
		this.group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
	}

	/** For the start-up log line: {@code "epoll, 2 sockets, GSO"}. */
	String describe() {
		return (this.epoll ? "epoll" : "nio") + ", " + this.channels.size()
				+ ((this.channels.size() == 1) ? " socket" : " sockets") + (this.gso ? ", GSO" : "");
	}

	/**
	 * How to open the sockets.
	 * @param count sockets, each on its own event loop
	 * @param nativeTransport use epoll where its native library loads
	 * @param gso send bursts as segmented datagrams (epoll, where the kernel supports UDP_SEGMENT)
	 * @param gro let the kernel coalesce received datagrams (epoll)
	 * @param receiveBufferSize SO_RCVBUF to ask for
	 * @param sendBufferSize SO_SNDBUF to ask for
	 */
	record Options(int count, boolean nativeTransport, boolean gso, boolean gro, int receiveBufferSize,
			int sendBufferSize) {
	}

	/** Java NIO's {@code SO_REUSEPORT}, where the JDK supports it for datagram channels. */
	private static final class NioReusePort {

		static final ChannelOption<Boolean> OPTION = NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT);

		static final boolean SUPPORTED = supported();

		private static boolean supported() {
			try (java.nio.channels.DatagramChannel channel = java.nio.channels.DatagramChannel.open()) {
				return channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
			}
			catch (java.io.IOException ex) {
				return false;
			}
		}

	}

}
