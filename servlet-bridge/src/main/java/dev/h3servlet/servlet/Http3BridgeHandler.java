package dev.h3servlet.servlet;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.connector.webtransport.WebTransportUpgrade;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Wraps the servlet context so that what an unchanged servlet does over HTTP/3 behaves as it does over HTTP/2.
 * Requests over HTTP/1.1 and HTTP/2 pass through untouched. For HTTP/3 requests:
 * <ul>
 * <li>a response with {@code Connection: close} closes its HTTP/3 connection gracefully (GOAWAY) once complete,
 * instead of the header being dropped without effect;</li>
 * <li>a request with a connection-specific header field ({@code Keep-Alive}, {@code Proxy-Connection},
 * {@code Transfer-Encoding}, {@code Upgrade}; Jetty rejects {@code Connection} and a bad {@code TE} itself) is
 * malformed in HTTP/3 (RFC 9114 4.2): it gets a 400 and never reaches the application;</li>
 * <li>a request body whose length disagrees with its {@code Content-Length} fails the application's read with a 400
 * {@code BadMessageException} rather than arriving short or long (RFC 9114 4.1.2, see {@link ContentLengthCheck});</li>
 * <li>a request stream the client resets fails the app's reads with an {@code IOException} on every path, also in
 * {@code ReadListener.onError} (see {@link IOExceptionFailures}; jetty-quiche transport only);</li>
 * <li>a request without a {@code Host} field gets one from its {@code :authority}, as over HTTP/1.1 (see
 * {@link AuthorityHostField});</li>
 * <li>the body an app writes for a {@code HEAD} is consumed once written, as over HTTP/1.1 (see
 * {@link HeadContentConsumed});</li>
 * <li>the end of a bodiless request that the client sent late is read before the response's first frame (see
 * {@link RequestEndBeforeResponse}; jetty-quiche transport only);</li>
 * <li>a write issued before the previous one completed (Jetty's own servlet error page does that) waits for it
 * instead of resetting the stream (see {@link SerializedWrites}).</li>
 * </ul>
 * The TLS request attributes come from the connector ({@code Http3SecureRequestCustomizer}, put in place of Jetty's by
 * {@code Http3Connectors.install}). Jetty 12.1.5 already does the rest, and the tests hold it to it: connection-specific
 * response fields are left off the wire by its QPACK encoder, and trailers work both ways.
 * <p>
 * See docs/workarounds/README.md for the Jetty and quiche behaviours these wrappers work around, each with its
 * reproducer.
 */
public class Http3BridgeHandler extends Handler.Wrapper {

	/**
	 * A bridge with no handler yet, to be inserted above a server's handler: {@code server.insertHandler(bridge)}.
	 */
	public Http3BridgeHandler() {
		this(null);
	}

	public Http3BridgeHandler(Handler handler) {
		super(handler);
	}

	/**
	 * Whether the request came over the jetty-quiche transport, whose Jetty 12.1.5 bugs some wrappers work around; the
	 * netty transport's stream does not have them.
	 */
	private static boolean isJettyQuiche(Request request) {
		return request.getConnectionMetaData().getConnector() instanceof Http3Connector connector
				&& connector.getHttp3Transport() == Http3Transport.JETTY_QUICHE;
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) throws Exception {
		if (request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_3) {
			return super.handle(request, response, callback);
		}
		String malformed = ConnectionSpecificFields.find(request.getHeaders());
		if (malformed != null) {
			Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, malformed);
			return true;
		}
		if (request.getTunnelSupport() instanceof WebTransportUpgrade upgrade) {
			// A WebTransport CONNECT: the endpoint's servlet (after the app's filters) finds its upgrade here.
			request.setAttribute(WebTransportUpgrade.ATTRIBUTE, upgrade);
		}
		boolean jettyQuiche = isJettyQuiche(request);
		Request bridgedRequest = ContentLengthCheck.wrap(AuthorityHostField.wrap(
				jettyQuiche ? new IOExceptionFailures(request) : request));
		Response bridged = HeadContentConsumed.wrap(bridgedRequest, response);
		if (jettyQuiche) {
			bridged = RequestEndBeforeResponse.wrap(bridgedRequest, bridged);
		}
		// Outermost: a write the app's side issues before the previous one completed waits for it here, above the
		// wrappers that hold a write back.
		bridged = new SerializedWrites(bridgedRequest, bridged);
		return super.handle(bridgedRequest, bridged, new ConnectionCloseCallback(bridgedRequest, bridged, callback));
	}

}
