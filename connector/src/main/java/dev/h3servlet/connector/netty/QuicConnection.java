package dev.h3servlet.connector.netty;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http3.DefaultHttp3GoAwayFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionStats;
import io.netty.handler.codec.quic.QuicDatagramExtensionEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Attributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One QUIC connection of the netty transport: the handler at the front of its {@link QuicChannel} pipeline that
 * counts it (established, or failed before its handshake completed), knows its TLS session, counts its request
 * streams, and closes it gracefully: a GOAWAY naming the first stream it will not serve, then, once the streams before
 * it are done, a CONNECTION_CLOSE with H3_NO_ERROR. Netty's HTTP/3 codec neither tracks the last stream nor refuses
 * later ones; this does, resetting them with H3_REQUEST_REJECTED.
 * <p>
 * Everything but {@link #goAway()} and {@link #close()} runs on the connection's event loop; those two hop onto it.
 */
final class QuicConnection extends ChannelInboundHandlerAdapter {

	private static final Logger logger = LoggerFactory.getLogger(QuicConnection.class);

	/**
	 * How often a connection that is closing after GOAWAY checks whether quiche is still sending: it closes once its
	 * sent-byte count has not moved for {@link #QUIET_CHECKS} checks in a row, so that what quiche still holds reaches
	 * the client. See docs/workarounds/netty-stream-closes-before-delivery.md for the Netty behaviour this works around,
	 * with its reproducer.
	 */
	static final long DRAIN_CHECK_MILLIS = 100;

	static final int QUIET_CHECKS = 3;

	/**
	 * The stream id of a first, graceful GOAWAY (RFC 9114 5.2: the largest client-initiated bidirectional stream id):
	 * it tells the client to open no more streams while the ones it already sent are still accepted.
	 */
	static final long GRACEFUL_GOAWAY_ID = (1L << 62) - 4;

	/**
	 * Time between the graceful GOAWAY and the final one, which names the first stream that will not be served: long
	 * enough for the requests the client sent before it saw the first to arrive.
	 */
	static final long GOAWAY_GRACE_MILLIS = 200;

	private final NettyHttp3Connector connector;

	private final QuicChannel channel;

	private final Attributes attributes = new Attributes.Lazy();

	private final String id;

	// Event loop state.

	private volatile EndPoint.SslSessionData sslSessionData;

	private boolean established;

	private boolean counted;

	private int activeStreams;

	/** The next client-initiated bidirectional stream id: streams below it were accepted. */
	private long nextStreamId;

	/** Whether the graceful GOAWAY was sent. */
	private boolean goingAway;

	/** The stream id sent in the final GOAWAY; streams from it on are refused. -1 before it. */
	private long goAwayStreamId = -1;

	private boolean closing;

	/** Open WebTransport sessions by id (the CONNECT stream's); written on the event loop, read from any thread. */
	private final Map<Long, NettyWebTransportSession> webTransportSessions = new ConcurrentHashMap<>();

	/** The largest datagram the client takes now (0: none), from Netty's datagram extension event. */
	private volatile int maxDatagramLength;

	QuicConnection(NettyHttp3Connector connector, QuicChannel channel) {
		this.connector = connector;
		this.channel = channel;
		String address = String.valueOf(channel.localAddress());
		int start = address.indexOf("connId=");
		this.id = (start >= 0) ? address.substring(start + "connId=".length()).replace("}", "") : channel.id().asLongText();
	}

	NettyHttp3Connector connector() {
		return this.connector;
	}

	QuicChannel channel() {
		return this.channel;
	}

	/** The connection id in hex: the same for every stream of this connection. */
	String id() {
		return this.id;
	}

	Attributes attributes() {
		return this.attributes;
	}

	EndPoint.SslSessionData sslSessionData() {
		return this.sslSessionData;
	}

	/** Makes the handler of each request stream the client opens, or refuses the stream after GOAWAY. */
	ChannelInitializer<QuicStreamChannel> requestStreams() {
		return new ChannelInitializer<>() {

			@Override
			protected void initChannel(QuicStreamChannel stream) {
				accept(stream);
			}

		};
	}

	private void accept(QuicStreamChannel stream) {
		long streamId = stream.streamId();
		if (this.goAwayStreamId >= 0 && streamId >= this.goAwayStreamId || this.closing) {
			logger.debug("Refusing stream {} of {}: after GOAWAY ({})", streamId, this, this.goAwayStreamId);
			stream.shutdown(Http3ErrorCodes.H3_REQUEST_REJECTED);
			return;
		}
		this.nextStreamId = Math.max(this.nextStreamId, streamId + 4);
		this.activeStreams++;
		this.connector.statistics().streamOpened();
		StreamFrameGatherer gatherer = new StreamFrameGatherer();
		stream.pipeline().addFirst(gatherer, new FrameBoundaryGuard());
		if (this.connector.webTransportEnabled()) {
			stream.pipeline().addFirst(WebTransportStreamHeader.bidirectional(this));
		}
		stream.pipeline().addLast(new RequestStreamHandler(this, gatherer));
		stream.closeFuture().addListener((future) -> streamClosed());
	}

	/** Counts follow the stream channels, which also covers streams whose exchange never began. */
	private void streamClosed() {
		this.activeStreams--;
		this.connector.statistics().streamClosed();
		if (this.activeStreams == 0 && this.goAwayStreamId >= 0) {
			closeAfterDrain();
		}
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		// A server QUIC channel becomes active once its handshake has completed.
		this.established = true;
		this.counted = true;
		this.sslSessionData = readSslSessionData();
		this.connector.statistics().connectionOpened();
		if (this.connector.isShuttingDown()) {
			goAwayNow();
		}
		ctx.fireChannelActive();
	}

	/**
	 * The handler of a unidirectional stream of a type Netty does not know (after its type): WebTransport's, when
	 * enabled; anything else is read and dropped, as RFC 9114 6.2 asks.
	 */
	ChannelHandler unknownUnidirectionalStream(long type) {
		if (type == WebTransportWire.UNIDIRECTIONAL_STREAM_TYPE && this.connector.webTransportEnabled()) {
			return WebTransportStreamHeader.unidirectional(this);
		}
		return new ChannelInboundHandlerAdapter() {

			@Override
			public void channelRead(ChannelHandlerContext ctx, Object msg) {
				ReferenceCountUtil.release(msg);
			}

		};
	}

	/** Whether the connection has as many WebTransport sessions open as {@code webTransportMaxSessions} allows. */
	boolean webTransportSessionsFull() {
		return this.webTransportSessions.size() >= this.connector.webTransportMaxSessions();
	}

	NettyWebTransportSession webTransportSession(long id) {
		return this.webTransportSessions.get(id);
	}

	void webTransportSessionOpened(NettyWebTransportSession session) {
		this.webTransportSessions.put(session.id(), session);
		this.connector.statistics().webTransportSessionOpened();
	}

	void webTransportSessionEnded(NettyWebTransportSession session) {
		if (this.webTransportSessions.remove(session.id(), session)) {
			this.connector.statistics().webTransportSessionEnded();
		}
	}

	int maxDatagramLength() {
		return this.maxDatagramLength;
	}

	/** A QUIC datagram (Netty passes each as a {@code ByteBuf}): a WebTransport session's, by its quarter stream id. */
	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!(msg instanceof ByteBuf datagram)) {
			ctx.fireChannelRead(msg);
			return;
		}
		NettyWebTransportSession session = null;
		if (WebTransportWire.hasVarint(datagram)) {
			long quarterStreamId = WebTransportWire.readVarint(datagram);
			session = (quarterStreamId < (1L << 60)) ? this.webTransportSessions.get(quarterStreamId * 4) : null;
		}
		if (session == null) {
			// RFC 9297 5: a datagram for no open request stream is dropped.
			logger.debug("Dropping a datagram of {} for no open WebTransport session", this);
			this.connector.statistics().webTransportDatagramDropped();
			datagram.release();
			return;
		}
		session.onDatagram(datagram);
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
		if (event instanceof QuicDatagramExtensionEvent datagrams) {
			this.maxDatagramLength = datagrams.maxLength();
		}
		if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess() && !this.counted) {
			this.counted = true;
			this.connector.statistics().handshakeFailed();
			logger.debug("QUIC handshake with {} failed", this.channel.remoteSocketAddress(), completion.cause());
		}
		ctx.fireUserEventTriggered(event);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.webTransportSessions.values().forEach((session) -> session.end(0, "connection closed"));
		if (this.established) {
			this.connector.statistics().connectionClosed();
		}
		else if (!this.counted) {
			this.counted = true;
			this.connector.statistics().handshakeFailed();
		}
		this.connector.connectionClosed(this);
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		logger.debug("QUIC connection {} failed", this, cause);
		ctx.fireExceptionCaught(cause);
	}

	/**
	 * Starts closing the connection gracefully (once): a graceful GOAWAY now, the final one (the first stream id that
	 * will not be served) {@value #GOAWAY_GRACE_MILLIS} ms later; the connection closes once the streams before it are
	 * done.
	 */
	void goAway() {
		this.channel.eventLoop().execute(this::goAwayNow);
	}

	private void goAwayNow() {
		if (this.goingAway || !this.channel.isActive()) {
			return;
		}
		this.goingAway = true;
		// WebTransport sessions hold the connection open: ask their clients to end them.
		this.webTransportSessions.values().forEach(NettyWebTransportSession::drain);
		sendGoAway(GRACEFUL_GOAWAY_ID);
		this.channel.eventLoop().schedule(this::finalGoAway, GOAWAY_GRACE_MILLIS, TimeUnit.MILLISECONDS);
	}

	private void finalGoAway() {
		if (this.goAwayStreamId >= 0 || !this.channel.isActive()) {
			return;
		}
		this.goAwayStreamId = this.nextStreamId;
		sendGoAway(this.goAwayStreamId);
		if (this.activeStreams == 0) {
			closeAfterDrain();
		}
	}

	private void sendGoAway(long streamId) {
		QuicStreamChannel control = Http3.getLocalControlStream(this.channel);
		if (control != null) {
			logger.debug("Sending GOAWAY {} on {}", streamId, this);
			control.writeAndFlush(new DefaultHttp3GoAwayFrame(streamId));
		}
	}

	private void closeAfterDrain() {
		if (this.closing) {
			return;
		}
		this.closing = true;
		drainCheck(-1, 0);
	}

	/** Closes the connection once quiche has sent nothing more for a while: the client has had all of it. */
	private void drainCheck(long lastSentBytes, int quietChecks) {
		if (!this.channel.isOpen()) {
			return;
		}
		this.channel.collectStats().addListener((future) -> {
			long sentBytes = future.isSuccess() ? ((QuicConnectionStats) future.getNow()).sentBytes() : -1;
			int quiet = (sentBytes >= 0 && sentBytes == lastSentBytes) ? quietChecks + 1 : 0;
			if (sentBytes < 0 || quiet >= QUIET_CHECKS) {
				closeNow();
			}
			else {
				this.channel.eventLoop().schedule(() -> drainCheck(sentBytes, quiet), DRAIN_CHECK_MILLIS,
						TimeUnit.MILLISECONDS);
			}
		});
	}

	/** Closes the connection with H3_NO_ERROR, now. */
	void close() {
		this.channel.eventLoop().execute(this::closeNow);
	}

	private void closeNow() {
		this.closing = true;
		if (this.channel.isOpen()) {
			this.channel.close(true, Http3ErrorCodes.H3_NO_ERROR, Unpooled.EMPTY_BUFFER);
		}
	}

	/** The TLS facts of the connection for Jetty's customizers: no {@code SSLSession}, as for any HTTP/3 request. */
	private EndPoint.SslSessionData readSslSessionData() {
		SSLSession session = (this.channel.sslEngine() != null) ? this.channel.sslEngine().getSession() : null;
		String cipherSuite = (session != null) ? session.getCipherSuite() : null;
		X509Certificate[] peerCertificates = null;
		if (session != null) {
			try {
				Certificate[] certificates = session.getPeerCertificates();
				peerCertificates = Arrays.stream(certificates)
					.filter(X509Certificate.class::isInstance)
					.map(X509Certificate.class::cast)
					.toArray(X509Certificate[]::new);
			}
			catch (SSLPeerUnverifiedException ex) {
				// No client certificate: the usual case.
			}
		}
		return EndPoint.SslSessionData.from(null, this.id, cipherSuite, peerCertificates);
	}

	@Override
	public String toString() {
		return "QuicConnection[" + this.id + " " + this.channel.remoteSocketAddress() + "]";
	}

}
