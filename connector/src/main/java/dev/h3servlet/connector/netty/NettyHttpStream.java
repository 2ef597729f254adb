package dev.h3servlet.connector.netty;

import java.io.EOFException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3Frame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.concurrent.PromiseCombiner;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http.Trailers;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.TunnelSupport;
import org.eclipse.jetty.util.Attributes;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.AutoLock;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/3 request stream as a Jetty {@link HttpStream}: the request's field section, content and trailers go up to
 * Jetty's {@link HttpChannel}; the response Jetty sends comes down as HTTP/3 frames on the Netty stream channel.
 * <p>
 * Threads: frames arrive on the QUIC connection's event loop ({@code onXxx} methods); Jetty calls {@link #read()},
 * {@link #demand()} and {@link #send} from its own threads. Application code never runs on the event loop: the
 * request task and every wake-up that may block go to Jetty's executor; only non-blocking wake-ups (a blocked read's
 * signal) run inline.
 * <p>
 * Backpressure: quiche grants the client more flow-control credit only as the stream is read from it, and the stream
 * is read only while Jetty demands content or less than {@value #READ_AHEAD_BYTES} bytes wait here. A servlet that
 * reads an upload slowly holds about the stream window in quiche plus that here. Writes complete Jetty's callback
 * when quiche has taken the bytes, so a response is written no faster than the client takes it.
 * <p>
 * The input side's state (queued chunks, demand, end) lives under one lock; every way out of the exchange (success,
 * failure, peer reset, idle timeout, connection loss) ends in {@link #end(Throwable)}.
 */
final class NettyHttpStream implements HttpStream {

	private static final Logger logger = LoggerFactory.getLogger(NettyHttpStream.class);

	/** Request content read from quiche ahead of Jetty's demand, so a small body or the request's end is at hand. */
	static final int READ_AHEAD_BYTES = 16 * 1024;

	/**
	 * Jetty's {@code HttpStream.CONTENT_NOT_CONSUMED}, read once: its declared type changed between Jetty 12.0 and 12.1,
	 * so naming the field in code would tie this class to one of them.
	 */
	private static final Object CONTENT_NOT_CONSUMED = contentNotConsumed();

	private final QuicConnection connection;

	private final QuicStreamChannel channel;

	private final StreamFrameGatherer gatherer;

	private final RequestStreamEndPoint endPoint;

	private final HttpChannel httpChannel;

	private final Executor executor;

	private final AutoLock lock = new AutoLock();

	// Input state, guarded by lock.

	private final ArrayDeque<Content.Chunk> chunks = new ArrayDeque<>();

	private long queuedBytes;

	/** The input's last chunk once it is queued (EOF, trailers or a failure); nothing is queued after it. */
	private Content.Chunk inputEnd;

	/** What read() returns once the last chunk was taken. */
	private Content.Chunk afterEnd;

	private boolean demanded;

	// Output state: Jetty sends one thing at a time.

	private MetaData.Request request;

	private MetaData.Response response;

	private volatile boolean committed;

	private volatile boolean outputEnded;

	private volatile boolean ended;

	/** Netty's codec resets the stream itself. */
	private volatile boolean resetBelow;

	/** Why a write failed: every later send fails with it at once. */
	private volatile Throwable writeFailure;

	/** The WebTransport upgrade of an extended CONNECT that asks for a session, when the connector accepts them. */
	private WebTransportTunnel webTransport;

	/** Whether the stream is a WebTransport session's CONNECT stream now, no longer this exchange's. */
	private volatile boolean webTransportOpened;

	NettyHttpStream(QuicConnection connection, QuicStreamChannel channel, StreamFrameGatherer gatherer) {
		this.connection = connection;
		this.channel = channel;
		this.gatherer = gatherer;
		NettyHttp3Connector connector = connection.connector();
		this.executor = connector.getExecutor();
		this.endPoint = new RequestStreamEndPoint(channel, connection.sslSessionData(), connector.getScheduler(),
				connector.streamIdleTimeoutMillis());
		this.httpChannel = new HttpChannel.DefaultFactory().newHttpChannel(new StreamMetaData());
		this.httpChannel.initialize();
		this.httpChannel.setHttpStream(this);
	}

	@Override
	public String getId() {
		return Long.toString(this.channel.streamId());
	}

	QuicStreamChannel channel() {
		return this.channel;
	}

	// Inbound, on the event loop.

	/**
	 * The request's field section has arrived.
	 * @return the task that handles the request, to run on Jetty's executor
	 */
	Runnable onRequest(Http3Headers headers, long beginNanoTime) {
		this.endPoint.open(this);
		try {
			long size = Http3Fields.size(headers);
			int limit = this.connection.connector().getMaxRequestHeaderSize();
			if (size > limit) {
				throw new BadMessageException(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431,
						"Request field section of " + size + " bytes exceeds the limit of " + limit);
			}
			MetaData.Request request = Http3Fields.request(headers, beginNanoTime);
			this.request = request;
			if (request.getProtocol() != null) {
				if (!WebTransportWire.PROTOCOL.equals(request.getProtocol())) {
					// An extended CONNECT for a protocol this server does not carry (RFC 9220 gives no code): answered
					// before any application sees it.
					throw new HttpException.RuntimeException(HttpStatus.NOT_IMPLEMENTED_501,
							"No tunnel for :protocol " + request.getProtocol());
				}
				sessionLimit();
				this.webTransport = new WebTransportTunnel(request.getHttpURI().getPath(),
						request.getHttpFields().get(HttpHeader.ORIGIN), this.endPoint);
			}
			HttpField expect = request.getHttpFields().getField(HttpHeader.EXPECT);
			Runnable task = this.httpChannel.onRequest(request);
			if (expect != null && !HttpHeaderValue.CONTINUE.is(expect.getValue())) {
				throw new BadMessageException(HttpStatus.EXPECTATION_FAILED_417);
			}
			return task;
		}
		catch (Throwable failure) {
			logger.debug("Bad request on {}", this, failure);
			HttpException httpException = (failure instanceof HttpException http) ? http
					: new HttpException.RuntimeException(HttpStatus.BAD_REQUEST_400, failure);
			return this.httpChannel.onFailure((Throwable) httpException);
		}
	}

	/** A DATA frame's payload; this stream now owns the buffer. */
	void onContent(ByteBuf content) {
		int bytes = content.readableBytes();
		if (bytes == 0) {
			content.release();
			return;
		}
		this.endPoint.notIdle();
		this.endPoint.addBytesIn(bytes);
		offer(Content.Chunk.asChunk(content.nioBuffer(), false, new ByteBufRetainable(content)));
	}

	void onTrailers(Http3Headers trailers) {
		this.endPoint.notIdle();
		HttpFields fields;
		try {
			fields = Http3Fields.trailers(trailers);
		}
		catch (BadMessageException ex) {
			onFailure(ex, false);
			return;
		}
		offer(new Trailers(fields));
	}

	void onInputEnd() {
		offer(Content.Chunk.EOF);
	}

	/**
	 * The stream failed from below: reset by the peer, or its connection closed or lost.
	 * @param remote whether the peer caused it (a reset, a vanished connection): Jetty then fails the exchange as a
	 * remote failure
	 */
	void onFailure(Throwable failure, boolean remote) {
		if (this.ended) {
			return;
		}
		// A remote failure reaches the application as an EofException (an IOException), as over HTTP/2.
		Throwable cause = (remote && !(failure instanceof EofException)) ? new EofException(failure) : failure;
		if (remote && this.writeFailure == null) {
			// The client gave up on the exchange (a reset, a lost connection): nothing more can be sent, and quiche may
			// drop the stream before Jetty's last write, which would then wait in Netty's queue forever.
			this.writeFailure = cause;
		}
		offer(Content.Chunk.from(cause, true));
		Runnable task = remote ? this.httpChannel.onRemoteFailure(cause) : this.httpChannel.onFailure(cause);
		if (task != null) {
			ThreadPool.executeImmediately(this.executor, task);
		}
	}

	/**
	 * Netty's codec found the stream malformed (RFC 9114 4.1.2, 7.1) and resets it with the error's own code, so the
	 * exchange fails without a reset of ours that could carry another code.
	 */
	void onProtocolError(Throwable failure) {
		this.resetBelow = true;
		onFailure(failure, true);
	}

	/** Whether the stream should be read from quiche now: Jetty waits for content, or little is queued. */
	boolean wantsInput() {
		try (AutoLock ignored = this.lock.lock()) {
			return this.inputEnd == null && (this.demanded || this.queuedBytes < READ_AHEAD_BYTES);
		}
	}

	private void offer(Content.Chunk chunk) {
		boolean notify;
		try (AutoLock ignored = this.lock.lock()) {
			if (this.inputEnd != null) {
				notify = false;
			}
			else {
				this.chunks.add(chunk);
				this.queuedBytes += chunk.remaining();
				if (chunk.isLast()) {
					this.inputEnd = chunk;
				}
				notify = this.demanded;
				this.demanded = false;
				chunk = null;
			}
		}
		if (chunk != null) {
			chunk.release();
			return;
		}
		if (notify) {
			run(this.httpChannel.onContentAvailable(), false);
		}
	}

	// HttpStream, on Jetty's threads.

	@Override
	public Content.Chunk read() {
		try (AutoLock ignored = this.lock.lock()) {
			Content.Chunk chunk = this.chunks.poll();
			if (chunk == null) {
				return this.afterEnd;
			}
			this.queuedBytes -= chunk.remaining();
			if (chunk.isLast()) {
				this.afterEnd = Content.Chunk.next(chunk);
			}
			return chunk;
		}
	}

	@Override
	public void demand() {
		boolean available;
		try (AutoLock ignored = this.lock.lock()) {
			available = !this.chunks.isEmpty() || this.afterEnd != null;
			this.demanded = !available;
		}
		if (available) {
			// Dispatched: an application thread must not go on to run another request's code.
			run(this.httpChannel.onContentAvailable(), true);
		}
		else {
			this.channel.read();
		}
	}

	@Override
	public void prepareResponse(HttpFields.Mutable headers) {
	}

	@Override
	public TunnelSupport getTunnelSupport() {
		return this.webTransport;
	}

	@Override
	public void send(MetaData.Request request, MetaData.Response response, boolean last, ByteBuffer content,
			Callback callback) {
		Throwable failed = this.writeFailure;
		if (failed != null) {
			// After STOP_SENDING (or a reset) quiche may already have dropped the stream: a write to it would wait in
			// Netty's queue for a capacity that never comes.
			callback.failed(failed);
			return;
		}
		if (response != null && this.webTransport != null && this.webTransport.isAccepted()
				&& HttpStatus.isSuccess(response.getStatus())) {
			openWebTransport(response, callback);
			return;
		}
		boolean head = HttpMethod.HEAD.is(request.getMethod());
		boolean hasContent = BufferUtil.hasContent(content) && !head;
		List<Http3Frame> frames = new ArrayList<>(3);
		if (response != null) {
			if (HttpStatus.isInterim(response.getStatus())) {
				if (hasContent) {
					callback.failed(new IllegalStateException("Interim response cannot have content"));
					return;
				}
				write(List.of(new DefaultHttp3HeadersFrame(Http3Fields.response(response, -1))), false, content,
						callback);
				return;
			}
			this.response = response;
			this.committed = true;
			long contentLength = response.getContentLength();
			if (last) {
				long realContentLength = BufferUtil.length(content);
				if (contentLength < 0) {
					contentLength = realContentLength;
				}
				else if (hasContent && contentLength != realContentLength) {
					callback.failed(new HttpException.RuntimeException(HttpStatus.INTERNAL_SERVER_ERROR_500,
							"Incorrect Content-Length " + contentLength + "!=" + realContentLength));
					return;
				}
			}
			frames.add(new DefaultHttp3HeadersFrame(Http3Fields.response(response, contentLength)));
		}
		if (hasContent) {
			this.endPoint.addBytesOut(content.remaining());
			frames.add(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(content)));
		}
		if (last) {
			HttpFields trailers = trailers();
			if (trailers != null) {
				frames.add(new DefaultHttp3HeadersFrame(Http3Fields.trailers(trailers)));
			}
			else if (frames.isEmpty()) {
				// An empty DATA frame carries the FIN, as Jetty's own HTTP/3 does: a FIN alone, in a STREAM frame of
				// length 0 arriving after the client's own FIN, makes Jetty's HTTP/3 client (quiche 0.24.5) fail the
				// stream with QUICHE_ERR_INVALID_STREAM_STATE.
				frames.add(new DefaultHttp3DataFrame(Unpooled.EMPTY_BUFFER));
			}
		}
		write(frames, last, content, callback);
	}

	/** Fails with 429 when the connection has its most WebTransport sessions open already. */
	private void sessionLimit() {
		if (this.connection.webTransportSessionsFull()) {
			throw new HttpException.RuntimeException(HttpStatus.TOO_MANY_REQUESTS_429, "The connection has "
					+ this.connection.connector().webTransportMaxSessions()
					+ " WebTransport sessions open (webTransportMaxSessions)");
		}
	}

	/**
	 * Answers an accepted WebTransport CONNECT: the 2xx field section (without a length: the stream goes on carrying
	 * capsules) and no FIN; once written, the stream belongs to the session, and the exchange completes.
	 */
	private void openWebTransport(MetaData.Response response, Callback callback) {
		this.response = response;
		this.committed = true;
		Http3Headers headers = Http3Fields.response(response, -1);
		headers.remove(HttpHeader.CONTENT_LENGTH.lowerCaseName());
		headers.set(WebTransportWire.DRAFT_FIELD, "draft02");
		NettyWebTransportSession session = new NettyWebTransportSession(this.connection, this.channel,
				this.webTransport.handshake(), this.webTransport.handler(), this.executor);
		this.channel.eventLoop().execute(() -> {
			if (!this.channel.isActive()) {
				complete(callback, new EofException("HTTP/3 stream " + getId() + " is closed"));
				return;
			}
			if (this.connection.webTransportSessionsFull()) {
				// Sessions opened since the CONNECT arrived took the last places: refused after all, without a FIN
				// left to Jetty (the exchange ends here).
				logger.debug("WebTransport CONNECT on {} refused at open: webTransportMaxSessions reached", this);
				Http3Headers refused = new DefaultHttp3Headers();
				refused.status(Integer.toString(HttpStatus.TOO_MANY_REQUESTS_429));
				this.channel.writeAndFlush(new DefaultHttp3HeadersFrame(refused))
					.addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
				this.outputEnded = true;
				complete(callback, null);
				return;
			}
			this.channel.writeAndFlush(new DefaultHttp3HeadersFrame(headers)).addListener((future) -> {
				if (!future.isSuccess()) {
					complete(callback, new EofException(future.cause()));
					return;
				}
				this.webTransportOpened = true;
				ByteBuf early = Unpooled.buffer();
				try (AutoLock ignored = this.lock.lock()) {
					// DATA that came before the answer (capsules): the session reads them first.
					for (Content.Chunk chunk : this.chunks) {
						early.writeBytes(chunk.getByteBuffer().slice());
						chunk.release();
					}
					this.chunks.clear();
					this.queuedBytes = 0;
				}
				session.open(this.channel.pipeline().get(RequestStreamHandler.class), early);
				complete(callback, null);
			});
		});
	}

	private HttpFields trailers() {
		Supplier<HttpFields> supplier = (this.response != null) ? this.response.getTrailersSupplier() : null;
		HttpFields trailers = (supplier != null) ? supplier.get() : null;
		return (trailers == null || trailers.size() == 0) ? null : trailers;
	}

	/**
	 * Writes the frames and, when last, the stream's FIN, gathered into one write to quiche; completes the callback once
	 * quiche has taken them all.
	 * @param consumed the content Jetty gave, marked consumed once written (also the content of a HEAD response, which
	 * is not sent), as Jetty's own protocol layers do: Jetty's output writes a buffer that still has bytes again
	 */
	private void write(List<Http3Frame> frames, boolean last, ByteBuffer consumed, Callback callback) {
		this.endPoint.notIdle();
		Runnable writes = () -> {
			if (!this.channel.isActive()) {
				frames.forEach((frame) -> io.netty.util.ReferenceCountUtil.release(frame));
				complete(callback, new EofException("HTTP/3 stream " + getId() + " is closed"));
				return;
			}
			PromiseCombiner combiner = new PromiseCombiner(this.channel.eventLoop());
			this.gatherer.begin();
			try {
				for (Http3Frame frame : frames) {
					combiner.add(this.channel.write(frame));
				}
			}
			finally {
				combiner.add(this.gatherer.end(last));
			}
			io.netty.util.concurrent.Promise<Void> done = this.channel.eventLoop().newPromise();
			done.addListener((future) -> {
				if (future.isSuccess()) {
					if (last) {
						this.outputEnded = true;
					}
					if (consumed != null) {
						consumed.position(consumed.limit());
					}
					complete(callback, null);
				}
				else {
					// As over HTTP/2, the application sees an EofException when the client stopped the stream or left.
					Throwable cause = (future.cause() instanceof EofException eof) ? eof : new EofException(future.cause());
					this.writeFailure = cause;
					complete(callback, cause);
				}
			});
			combiner.finish(done);
		};
		if (this.channel.eventLoop().inEventLoop()) {
			writes.run();
		}
		else {
			this.channel.eventLoop().execute(writes);
		}
	}

	private void complete(Callback callback, Throwable failure) {
		this.endPoint.notIdle();
		if (Invocable.getInvocationType(callback) == Invocable.InvocationType.NON_BLOCKING) {
			completeNow(callback, failure);
		}
		else {
			this.executor.execute(() -> completeNow(callback, failure));
		}
	}

	private static void completeNow(Callback callback, Throwable failure) {
		if (failure == null) {
			callback.succeeded();
		}
		else {
			callback.failed(failure);
		}
	}

	/** Jetty 12.1 and later (12.0 does not ask). */
	@Override
	public Runnable cancelSend(Throwable cause, Callback appCallback) {
		return () -> {
			reset(Http3ErrorCodes.H3_REQUEST_CANCELLED);
			appCallback.failed(cause);
		};
	}

	@Override
	public long getIdleTimeout() {
		return this.endPoint.getIdleTimeout();
	}

	@Override
	public void setIdleTimeout(long idleTimeoutMs) {
		this.endPoint.setIdleTimeout(idleTimeoutMs);
	}

	@Override
	public boolean isCommitted() {
		return this.committed;
	}

	@Override
	public Throwable consumeAvailable() {
		if (this.webTransport != null && this.webTransport.isAccepted()) {
			// The CONNECT stream's content is the session's capsules, not the request's body.
			return null;
		}
		HttpConfiguration configuration = this.connection.connector().getHttpConfiguration();
		Throwable unconsumed = HttpStream.consumeAvailable(this, configuration);
		if (unconsumed != null) {
			try (AutoLock ignored = this.lock.lock()) {
				this.chunks.forEach(Content.Chunk::release);
				this.chunks.clear();
				this.queuedBytes = 0;
				Content.Chunk failure = Content.Chunk.from(unconsumed, true);
				this.inputEnd = failure;
				this.afterEnd = failure;
			}
		}
		return unconsumed;
	}

	/** The exchange completed: the response was sent whole. */
	@Override
	public void succeeded() {
		end(null);
	}

	/**
	 * The exchange failed. A request whose content was not read ({@link HttpStream#CONTENT_NOT_CONSUMED}) after a
	 * complete response only stops the client's sending (STOP_SENDING with H3_NO_ERROR, as RFC 9114 4.1 allows): a
	 * reset would throw the response away. Anything else resets what is still open with H3_REQUEST_CANCELLED.
	 */
	@Override
	public void failed(Throwable failure) {
		end((failure != null) ? failure : new IllegalStateException("failed without a cause"));
	}

	/** The way out of every exchange. */
	private void end(Throwable failure) {
		if (this.ended) {
			return;
		}
		this.ended = true;
		if (this.webTransportOpened) {
			// The stream carries the session now: only the exchange's end point (its idle timeout) closes.
			this.endPoint.close(null);
			return;
		}
		boolean inputOpen;
		try (AutoLock ignored = this.lock.lock()) {
			inputOpen = this.inputEnd == null || this.inputEnd != Content.Chunk.EOF && !(this.inputEnd instanceof Trailers)
					&& !Content.Chunk.isFailure(this.inputEnd);
			this.chunks.forEach(Content.Chunk::release);
			this.chunks.clear();
			this.queuedBytes = 0;
			if (this.inputEnd == null) {
				this.inputEnd = Content.Chunk.EOF;
			}
		}
		this.endPoint.close(failure);
		boolean complete = failure == null || failure == CONTENT_NOT_CONSUMED || this.outputEnded;
		if (complete) {
			if (inputOpen) {
				stopSending(Http3ErrorCodes.H3_NO_ERROR);
			}
		}
		else {
			logger.debug("HTTP/3 exchange on {} failed; resetting the stream", this, failure);
			reset(Http3ErrorCodes.H3_REQUEST_CANCELLED);
		}
		if (!complete || inputOpen) {
			// Netty closes a stream channel by itself only once a FIN went each way: after a reset or a STOP_SENDING
			// it would stay open, and counted, until the connection ends.
			closeChannel();
		}
	}

	/** The stream's idle timeout expired (a scheduler thread). */
	void onIdleTimeout(TimeoutException timeout) {
		if (this.ended) {
			return;
		}
		IdleTimeoutOutcome outcome = IdleTimeoutOutcome.of(this.httpChannel, timeout);
		boolean timedOut = !outcome.handlingRequest();
		Runnable action = outcome.action();
		Runnable then = () -> {
			if (timedOut) {
				reset(Http3ErrorCodes.H3_REQUEST_CANCELLED);
			}
			else {
				this.endPoint.notIdle();
			}
		};
		if (action == null) {
			then.run();
		}
		else {
			ThreadPool.executeImmediately(this.executor, () -> {
				try {
					action.run();
				}
				finally {
					then.run();
				}
			});
		}
	}

	/** The stream channel closed (both sides done, reset, or the connection went away). */
	void onClosed() {
		if (this.ended || (this.outputEnded && inputEndedNormally())) {
			// With a FIN each way the exchange is complete on the wire, and Jetty is completing it (succeeded() follows
			// on its own thread): the stream closing first is no failure. Reporting one cost an EOFException, an
			// EofException and a failure task for most requests.
			return;
		}
		onFailure(new EOFException("HTTP/3 stream " + getId() + " closed before its exchange completed"), true);
	}

	private boolean inputEndedNormally() {
		try (AutoLock ignored = this.lock.lock()) {
			return this.inputEnd != null && this.inputEnd.isLast() && !Content.Chunk.isFailure(this.inputEnd);
		}
	}

	private void stopSending(int code) {
		if (this.channel.isActive() && !this.channel.isInputShutdown()) {
			this.channel.shutdownInput(code);
		}
	}

	private void closeChannel() {
		if (this.channel.eventLoop().inEventLoop()) {
			this.channel.close();
		}
		else {
			this.channel.eventLoop().execute(() -> this.channel.close());
		}
	}

	private void reset(int code) {
		if (this.channel.isActive() && !this.resetBelow) {
			this.channel.shutdown(code);
		}
	}

	/** Runs a task Jetty returned: inline if it does not block and may run here, else on Jetty's executor. */
	private void run(Runnable task, boolean dispatch) {
		if (task == null) {
			return;
		}
		if (!dispatch && Invocable.getInvocationType(task) == Invocable.InvocationType.NON_BLOCKING) {
			task.run();
		}
		else {
			this.executor.execute(task);
		}
	}

	@Override
	public String toString() {
		return "NettyHttpStream[" + this.channel + ", committed=" + this.committed + ", ended=" + this.ended + "]";
	}

	/** Jetty's view of the stream's connection; a new one per request, as the peer's address may change. */
	private final class StreamMetaData extends Attributes.Wrapper implements ConnectionMetaData {

		private final SocketAddress remote;

		private final SocketAddress local;

		StreamMetaData() {
			super(NettyHttpStream.this.connection.attributes());
			this.remote = NettyHttpStream.this.endPoint.getRemoteSocketAddress();
			HttpConfiguration configuration = getHttpConfiguration();
			this.local = (configuration.getLocalAddress() != null) ? configuration.getLocalAddress()
					: NettyHttpStream.this.endPoint.getLocalSocketAddress();
		}

		@Override
		public String getId() {
			return NettyHttpStream.this.connection.id();
		}

		@Override
		public HttpConfiguration getHttpConfiguration() {
			return NettyHttpStream.this.connection.connector().getHttpConfiguration();
		}

		@Override
		public HttpVersion getHttpVersion() {
			return HttpVersion.HTTP_3;
		}

		@Override
		public String getProtocol() {
			return HttpVersion.HTTP_3.asString();
		}

		@Override
		public Connection getConnection() {
			return NettyHttpStream.this.endPoint;
		}

		@Override
		public Connector getConnector() {
			return NettyHttpStream.this.connection.connector();
		}

		@Override
		public boolean isPersistent() {
			return true;
		}

		@Override
		public boolean isSecure() {
			return true;
		}

		@Override
		public SocketAddress getRemoteSocketAddress() {
			return this.remote;
		}

		@Override
		public SocketAddress getLocalSocketAddress() {
			return this.local;
		}

		/** The QUIC connection this stream belongs to. */
		QuicConnection quicConnection() {
			return NettyHttpStream.this.connection;
		}

	}

	private static Object contentNotConsumed() {
		try {
			return HttpStream.class.getField("CONTENT_NOT_CONSUMED").get(null);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("This Jetty's HttpStream has no CONTENT_NOT_CONSUMED", ex);
		}
	}

	/** The QUIC connection of a request's stream, when the request came over this transport. */
	static QuicConnection quicConnection(ConnectionMetaData metaData) {
		ConnectionMetaData unwrapped = metaData;
		while (unwrapped instanceof ConnectionMetaData.Wrapper wrapper) {
			unwrapped = wrapper.getWrapped();
		}
		return (unwrapped instanceof StreamMetaData streamMetaData) ? streamMetaData.quicConnection() : null;
	}


}
