package dev.h3servlet.servlet;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http3.HTTP3Session;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.quic.common.StreamEndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes an HTTP/3 exchange and, when the response says {@code Connection: close}, then closes the HTTP/3
 * connection gracefully: a GOAWAY that lets the streams in flight finish, as an HTTP/1.1 server closes after the
 * response.
 * <p>
 * Jetty's QPACK encoder already leaves {@code Connection} (and the other connection-specific fields) off the wire, so
 * the stream itself is never malformed; without this, though, the app's request to close would be lost. The HTTP/3
 * session is reached through public API only: the request's {@link StreamEndPoint}, its
 * {@code ProtocolSession}, and the {@link HTTP3Session} that Jetty's server session registers as its bean.
 */
final class ConnectionCloseCallback extends Callback.Nested {

	private static final Logger logger = LoggerFactory.getLogger(ConnectionCloseCallback.class);

	private final Request request;

	private final Response response;

	ConnectionCloseCallback(Request request, Response response, Callback callback) {
		super(callback);
		this.request = request;
		this.response = response;
	}

	@Override
	public void succeeded() {
		boolean close = isCloseRequested();
		try {
			super.succeeded();
		}
		finally {
			if (close) {
				goAway();
			}
		}
	}

	@Override
	public void failed(Throwable failure) {
		boolean close = isCloseRequested();
		try {
			super.failed(failure);
		}
		finally {
			if (close) {
				goAway();
			}
		}
	}

	private boolean isCloseRequested() {
		return this.response.getHeaders().contains(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
	}

	private void goAway() {
		HTTP3Session session = http3Session(this.request);
		if (session == null) {
			logger.warn("Cannot honour 'Connection: close' on {}: its HTTP/3 session is not reachable",
					this.request.getConnectionMetaData());
			return;
		}
		logger.debug("'Connection: close' on stream of {}: sending a graceful GOAWAY", session);
		session.goAway(true, Promise.Invocable.from(Promise.Invocable.InvocationType.NON_BLOCKING, (ignored) -> {
		}, (failure) -> logger.debug("GOAWAY failed on {}", session, failure)));
	}

	private static HTTP3Session http3Session(Request request) {
		EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
		if (endPoint instanceof StreamEndPoint streamEndPoint) {
			return streamEndPoint.getProtocolSession().getBean(HTTP3Session.class);
		}
		return null;
	}

}
