package dev.h3servlet.it.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * A UDP forwarder on the loopback address between one QUIC client and the server: the client sends to
 * {@link #address()}, the server sees the relay's own socket as its peer. {@link #vanish()} makes that peer disappear
 * the way a crashed host or a dropped NAT binding does: nothing more reaches the server, not even the client's
 * CONNECTION_CLOSE.
 */
final class UdpRelay implements AutoCloseable {

	private static final int MAX_DATAGRAM = 65_535;

	private final DatagramChannel front;

	private final DatagramChannel back;

	private final Selector selector;

	private final Thread thread;

	private volatile boolean running = true;

	private volatile SocketAddress client;

	UdpRelay(InetSocketAddress server) throws IOException {
		this.selector = Selector.open();
		this.front = DatagramChannel.open().bind(new InetSocketAddress(server.getAddress(), 0));
		this.back = DatagramChannel.open()
			.bind(new InetSocketAddress(server.getAddress(), 0))
			.connect(server);
		this.front.configureBlocking(false).register(this.selector, SelectionKey.OP_READ, this.front);
		this.back.configureBlocking(false).register(this.selector, SelectionKey.OP_READ, this.back);
		this.thread = new Thread(this::run, "udp-relay-" + this.front.socket().getLocalPort());
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/** Where the client sends its datagrams. */
	InetSocketAddress address() {
		return (InetSocketAddress) this.front.socket().getLocalSocketAddress();
	}

	/** The address the server sees as the client's. */
	InetSocketAddress peerAddress() {
		return (InetSocketAddress) this.back.socket().getLocalSocketAddress();
	}

	private void run() {
		ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
		try {
			while (this.running) {
				this.selector.select(100);
				for (SelectionKey key : this.selector.selectedKeys()) {
					if (!this.running) {
						break;
					}
					if (key.attachment() == this.front) {
						forwardToServer(buffer);
					}
					else {
						forwardToClient(buffer);
					}
				}
				this.selector.selectedKeys().clear();
			}
		}
		catch (IOException ex) {
			if (this.running) {
				throw new UncheckedIOException("UDP relay failed", ex);
			}
		}
	}

	private void forwardToServer(ByteBuffer buffer) throws IOException {
		for (SocketAddress from = receive(this.front, buffer); from != null; from = receive(this.front, buffer)) {
			this.client = from;
			this.back.write(buffer);
		}
	}

	private void forwardToClient(ByteBuffer buffer) throws IOException {
		for (SocketAddress from = receive(this.back, buffer); from != null; from = receive(this.back, buffer)) {
			if (this.client != null) {
				this.front.send(buffer, this.client);
			}
		}
	}

	private static SocketAddress receive(DatagramChannel channel, ByteBuffer buffer) throws IOException {
		buffer.clear();
		SocketAddress from = channel.receive(buffer);
		buffer.flip();
		return from;
	}

	/** Stops forwarding either way and closes the relay's sockets, at once. */
	void vanish() throws IOException, InterruptedException {
		this.running = false;
		this.selector.wakeup();
		this.thread.join(5000);
		try {
			this.front.close();
			this.back.close();
		}
		finally {
			this.selector.close();
		}
	}

	@Override
	public void close() throws IOException, InterruptedException {
		if (this.selector.isOpen()) {
			vanish();
		}
	}

}
