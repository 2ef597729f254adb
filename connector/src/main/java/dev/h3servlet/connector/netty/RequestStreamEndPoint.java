package dev.h3servlet.connector.netty;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.EventListener;
import java.util.concurrent.TimeoutException;

import io.netty.handler.codec.quic.QuicStreamChannel;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * What Jetty's request handling reaches through {@code ConnectionMetaData.getConnection()}: the {@link Connection}
 * and {@link EndPoint} of one HTTP/3 request stream. Jetty's customizers and the servlet layer need them: the
 * {@code SecureRequestCustomizer} reads {@link #getSslSessionData()}, ee10/ee11's {@code ServletChannel} reads and sets
 * the idle timeout here, request logs read byte counts. Bytes never flow through it: the stream's content goes through
 * {@link NettyHttpStream}, so the I/O methods refuse.
 * <p>
 * Its idle timeout is the stream's own, one timer per stream on Jetty's {@link Scheduler}: setting it (as the servlet
 * layer does on the end point, thinking it connection-wide) never touches the QUIC connection or its other streams.
 */
final class RequestStreamEndPoint implements EndPoint, Connection {

	private final QuicStreamChannel channel;

	private final SslSessionData sslSessionData;

	private final long createdTimeStamp = System.currentTimeMillis();

	private final StreamIdleTimeout idleTimeout;

	private volatile NettyHttpStream stream;

	private volatile long bytesIn;

	private volatile long bytesOut;

	RequestStreamEndPoint(QuicStreamChannel channel, SslSessionData sslSessionData, Scheduler scheduler,
			long idleTimeoutMillis) {
		this.channel = channel;
		this.sslSessionData = sslSessionData;
		this.idleTimeout = new StreamIdleTimeout(scheduler);
		this.idleTimeout.setIdleTimeout(idleTimeoutMillis);
	}

	/** Starts the idle timer for the stream that now owns this end point. */
	void open(NettyHttpStream stream) {
		this.stream = stream;
		this.idleTimeout.onOpen();
	}

	/** Notes activity on the stream: the idle timer starts again. */
	void notIdle() {
		this.idleTimeout.notIdle();
	}

	void addBytesIn(long bytes) {
		this.bytesIn += bytes;
	}

	void addBytesOut(long bytes) {
		this.bytesOut += bytes;
	}

	@Override
	public SocketAddress getLocalSocketAddress() {
		return this.channel.parent().localSocketAddress();
	}

	@Override
	public SocketAddress getRemoteSocketAddress() {
		return this.channel.parent().remoteSocketAddress();
	}

	/**
	 * The peer's address as Jetty 12.0 asks for it (12.1 asks {@link #getRemoteSocketAddress()}).
	 * @return the peer's address, or {@code null} if it is not an IP address
	 */
	public InetSocketAddress getRemoteAddress() {
		return (getRemoteSocketAddress() instanceof InetSocketAddress address) ? address : null;
	}

	/**
	 * The local address as Jetty 12.0 asks for it (12.1 asks {@link #getLocalSocketAddress()}).
	 * @return the local address, or {@code null} if it is not an IP address
	 */
	public InetSocketAddress getLocalAddress() {
		return (getLocalSocketAddress() instanceof InetSocketAddress address) ? address : null;
	}

	@Override
	public boolean isOpen() {
		return this.channel.isOpen();
	}

	@Override
	public long getCreatedTimeStamp() {
		return this.createdTimeStamp;
	}

	@Override
	public void shutdownOutput() {
		// Ending the output is the stream's business: the response's last frame carries the FIN.
	}

	@Override
	public boolean isOutputShutdown() {
		return this.channel.isOutputShutdown();
	}

	@Override
	public boolean isInputShutdown() {
		return this.channel.isInputShutdown();
	}

	@Override
	public void close() {
		close(null);
	}

	/** Stops the idle timer; the stream itself is ended by {@link NettyHttpStream}. */
	@Override
	public void close(Throwable cause) {
		this.idleTimeout.onClose();
	}

	@Override
	public Object getTransport() {
		return this.channel;
	}

	@Override
	public long getIdleTimeout() {
		return this.idleTimeout.getIdleTimeout();
	}

	@Override
	public void setIdleTimeout(long idleTimeout) {
		this.idleTimeout.setIdleTimeout(idleTimeout);
	}

	@Override
	public void fillInterested(Callback callback) {
		throw new UnsupportedOperationException("An HTTP/3 request stream is read through its HttpStream");
	}

	@Override
	public boolean tryFillInterested(Callback callback) {
		return false;
	}

	@Override
	public boolean isFillInterested() {
		return false;
	}

	@Override
	public void write(Callback callback, ByteBuffer... buffers) {
		callback.failed(new UnsupportedOperationException("An HTTP/3 request stream is written through its HttpStream"));
	}

	@Override
	public Callback cancelWrite(Throwable cause) {
		return null;
	}

	@Override
	public Connection getConnection() {
		return this;
	}

	@Override
	public void setConnection(Connection connection) {
		throw new UnsupportedOperationException("An HTTP/3 request stream cannot change its connection");
	}

	@Override
	public void onOpen() {
	}

	@Override
	public void onClose(Throwable cause) {
		close(cause);
	}

	@Override
	public void upgrade(Connection newConnection) {
		throw new UnsupportedOperationException("An HTTP/3 request stream cannot be upgraded");
	}

	@Override
	public SslSessionData getSslSessionData() {
		return this.sslSessionData;
	}

	@Override
	public boolean isSecure() {
		return true;
	}

	// Connection

	@Override
	public void addEventListener(EventListener listener) {
	}

	@Override
	public void removeEventListener(EventListener listener) {
	}

	@Override
	public EndPoint getEndPoint() {
		return this;
	}

	@Override
	public boolean onIdleExpired(TimeoutException timeoutException) {
		return false;
	}

	@Override
	public long getMessagesIn() {
		return 1;
	}

	@Override
	public long getMessagesOut() {
		return 1;
	}

	@Override
	public long getBytesIn() {
		return this.bytesIn;
	}

	@Override
	public long getBytesOut() {
		return this.bytesOut;
	}

	@Override
	public String toString() {
		return "RequestStreamEndPoint[" + this.channel + "]";
	}

	private final class StreamIdleTimeout extends IdleTimeout {

		StreamIdleTimeout(Scheduler scheduler) {
			super(scheduler);
		}

		@Override
		protected void onIdleExpired(TimeoutException timeout) {
			NettyHttpStream stream = RequestStreamEndPoint.this.stream;
			if (stream != null) {
				stream.onIdleTimeout(timeout);
			}
		}

		@Override
		public boolean isOpen() {
			return RequestStreamEndPoint.this.channel.isOpen();
		}

	}

}
