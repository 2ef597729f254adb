package dev.h3servlet.servlet;

import dev.h3servlet.connector.Http3Connector;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps the servlet context so that what an unchanged servlet does over HTTP/3 behaves as it does over HTTP/2.
 * Requests over HTTP/1.1 and HTTP/2 pass through untouched. For HTTP/3 requests:
 * <ul>
 * <li>the TLS request attributes ({@code jakarta.servlet.request.cipher_suite}, {@code key_size},
 * {@code ssl_session_id}, {@code X509Certificate}) are all set, where Jetty's QUIC layer only knows the peer
 * certificates: at start, the {@link Http3SecureRequestCustomizer} replaces Jetty's in the configuration of the
 * server's {@link Http3Connector}s;</li>
 * <li>a response with {@code Connection: close} closes its HTTP/3 connection gracefully (GOAWAY) once complete,
 * instead of the header being dropped without effect;</li>
 * <li>the end of a bodiless request that the client sent late is read before the response's last frame, which
 * keeps quiche and Jetty out of a busy loop that freezes the connection (see {@link RequestEndBeforeResponseEnd}).</li>
 * </ul>
 * Jetty 12.1.5 already does the rest, and the tests hold it to it: connection-specific response fields are left off
 * the wire by its QPACK encoder, trailers work both ways, and a stream reset mid-upload fails the servlet's read with
 * an {@code IOException}.
 */
public class Http3BridgeHandler extends Handler.Wrapper {

	private static final Logger logger = LoggerFactory.getLogger(Http3BridgeHandler.class);

	public Http3BridgeHandler(Handler handler) {
		super(handler);
	}

	/**
	 * Completes the TLS customization of every HTTP/3 connector of the server (see
	 * {@link Http3SecureRequestCustomizer}) before any request comes: handlers start before connectors.
	 */
	@Override
	protected void doStart() throws Exception {
		if (getServer() != null) {
			for (Connector connector : getServer().getConnectors()) {
				if (connector instanceof Http3Connector http3
						&& !Http3SecureRequestCustomizer.install(http3.getHttpConfiguration())) {
					logger.info("{} has no plain SecureRequestCustomizer: HTTP/3 requests keep Jetty's TLS "
							+ "attributes (no cipher suite, key size or session id)", http3);
				}
			}
		}
		super.doStart();
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) throws Exception {
		if (request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_3) {
			return super.handle(request, response, callback);
		}
		Response bridged = RequestEndBeforeResponseEnd.wrap(request, response);
		return super.handle(request, bridged, new ConnectionCloseCallback(request, bridged, callback));
	}

}
