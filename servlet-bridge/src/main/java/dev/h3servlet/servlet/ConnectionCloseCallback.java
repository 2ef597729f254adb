package dev.h3servlet.servlet;

import dev.h3servlet.connector.Http3Connector;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes an HTTP/3 exchange and, when the response says {@code Connection: close}, then closes the HTTP/3
 * connection gracefully: a GOAWAY that lets the streams in flight finish, as an HTTP/1.1 server closes after the
 * response.
 * <p>
 * Both transports already leave {@code Connection} (and the other connection-specific fields) off the wire, so the
 * stream itself is never malformed; without this, though, the app's request to close would be lost. The connector
 * closes the connection ({@link Http3Connector#closeGracefully}), whichever its transport.
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
		if (this.request.getConnectionMetaData().getConnector() instanceof Http3Connector connector) {
			logger.debug("'Connection: close' on an HTTP/3 stream of {}: closing its connection gracefully",
					this.request.getConnectionMetaData());
			connector.closeGracefully(this.request.getConnectionMetaData());
		}
		else {
			logger.warn("Cannot honour 'Connection: close' on {}: not a request of an h3servlet HTTP/3 connector",
					this.request.getConnectionMetaData());
		}
	}

}
