package dev.h3servlet.connector.netty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP relay between a QUIC client and a server on loopback that can tamper with the Retry token a client sends back:
 * send it from another port than the one the token was issued to, change a byte of it, or run a hook (move the
 * server's clock) before it goes on. It reads QUIC long headers only as far as the token (RFC 9000 17.2): the client's
 * Initial packets are otherwise passed on as they are. It can also move the client to another address mid-connection
 * ({@link #rebind()}), as a NAT rebinding does.
 */
final class QuicRelay implements AutoCloseable {

	/** Local ports {@link #rebind()} moves the client to, in turn. */
	static final int REBIND_PORTS = 8;

	enum Mode {

		/** Passes everything on. */
		PASS,

		/** Sends the client's token-bearing Initial packets from another local port than the first ones. */
		MOVE,

		/** Flips a bit of the token in the client's token-bearing Initial packets. */
		FORGE

	}

	private final InetSocketAddress server;

	private final Mode mode;

	private final Runnable beforeToken;

	private final DatagramChannel front;

	private final DatagramChannel first;

	private final DatagramChannel second;

	private final List<DatagramChannel> rebound = new ArrayList<>();

	private final Selector selector;

	private final Thread thread;

	private final AtomicInteger tokensSeen = new AtomicInteger();

	private volatile SocketAddress client;

	private volatile DatagramChannel out;

	private int rebinds;

	private volatile boolean running = true;

	private boolean hookRun;

	QuicRelay(InetSocketAddress server, Mode mode, Runnable beforeToken) throws IOException {
		this.server = server;
		this.mode = mode;
		this.beforeToken = beforeToken;
		this.selector = Selector.open();
		this.front = open();
		this.first = open();
		this.second = open();
		this.out = this.first;
		for (int i = 0; i < REBIND_PORTS; i++) {
			this.rebound.add(open());
		}
		this.front.register(this.selector, SelectionKey.OP_READ);
		this.first.register(this.selector, SelectionKey.OP_READ);
		this.second.register(this.selector, SelectionKey.OP_READ);
		for (DatagramChannel channel : this.rebound) {
			channel.register(this.selector, SelectionKey.OP_READ);
		}
		this.thread = new Thread(this::relay, "quic-relay");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private static DatagramChannel open() throws IOException {
		DatagramChannel channel = DatagramChannel.open();
		channel.bind(new InetSocketAddress("127.0.0.1", 0));
		channel.configureBlocking(false);
		return channel;
	}

	/** Where clients connect. */
	InetSocketAddress address() throws IOException {
		return (InetSocketAddress) this.front.getLocalAddress();
	}

	/**
	 * From now on, the client's packets reach the server from another local port than before (one of
	 * {@value #REBIND_PORTS}, in turn): the server sees the client's address change, as after a NAT rebinding.
	 * @return the new port
	 */
	int rebind() throws IOException {
		DatagramChannel next = this.rebound.get(this.rebinds++ % REBIND_PORTS);
		this.out = next;
		return ((InetSocketAddress) next.getLocalAddress()).getPort();
	}

	/** Client Initial packets seen carrying a token. */
	int tokensSeen() {
		return this.tokensSeen.get();
	}

	private void relay() {
		ByteBuffer buffer = ByteBuffer.allocate(65_536);
		try {
			while (this.running) {
				if (this.selector.select(100) == 0) {
					continue;
				}
				for (SelectionKey key : this.selector.selectedKeys()) {
					DatagramChannel channel = (DatagramChannel) key.channel();
					buffer.clear();
					SocketAddress from = channel.receive(buffer);
					if (from == null) {
						continue;
					}
					buffer.flip();
					if (channel == this.front) {
						this.client = from;
						fromClient(buffer);
					}
					else if (this.client != null) {
						this.front.send(buffer, this.client);
					}
				}
				this.selector.selectedKeys().clear();
			}
		}
		catch (IOException ex) {
			if (this.running) {
				throw new IllegalStateException("relay failed", ex);
			}
		}
	}

	private void fromClient(ByteBuffer datagram) throws IOException {
		int token = tokenOffset(datagram);
		if (token < 0) {
			this.out.send(datagram, this.server);
			return;
		}
		this.tokensSeen.incrementAndGet();
		if (!this.hookRun && this.beforeToken != null) {
			this.hookRun = true;
			this.beforeToken.run();
		}
		switch (this.mode) {
			case PASS -> this.first.send(datagram, this.server);
			case MOVE -> this.second.send(datagram, this.server);
			case FORGE -> {
				datagram.put(token, (byte) (datagram.get(token) ^ 0x01));
				this.first.send(datagram, this.server);
			}
		}
	}

	/** Where the token of an Initial packet with a token starts in the datagram, else -1. */
	static int tokenOffset(ByteBuffer datagram) {
		int position = datagram.position();
		if (datagram.remaining() < 7 || (datagram.get(position) & 0x80) == 0
				|| ((datagram.get(position) & 0x30) >> 4) != 0) {
			return -1;
		}
		int index = position + 1 + 4;
		index += 1 + (datagram.get(index) & 0xff);
		index += 1 + (datagram.get(index) & 0xff);
		int first = datagram.get(index) & 0xff;
		int lengthBytes = 1 << (first >> 6);
		long length = first & 0x3f;
		for (int i = 1; i < lengthBytes; i++) {
			length = (length << 8) | (datagram.get(index + i) & 0xff);
		}
		return (length == 0) ? -1 : index + lengthBytes;
	}

	@Override
	public void close() throws IOException {
		this.running = false;
		try {
			this.thread.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.selector.close();
		this.front.close();
		this.first.close();
		this.second.close();
		for (DatagramChannel channel : this.rebound) {
			channel.close();
		}
	}

}
