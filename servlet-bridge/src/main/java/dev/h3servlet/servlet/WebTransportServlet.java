package dev.h3servlet.servlet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import dev.h3servlet.connector.webtransport.WebTransportHandler;
import dev.h3servlet.connector.webtransport.WebTransportHandshake;
import dev.h3servlet.connector.webtransport.WebTransportUpgrade;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A WebTransport endpoint as a servlet: mapped at the endpoint's path, it accepts each WebTransport CONNECT that
 * reaches it (after the application's filters, so authentication and origin checks come first) with the handler its
 * factory makes for the request, or refuses it with 403 when the factory gives none. The session keeps the CONNECT's
 * fields, user and request attributes ({@code WebTransportSession.handshake()}). Any other request gets 400: the
 * endpoint is reached with {@code new WebTransport(url)} over HTTP/3, with WebTransport enabled
 * ({@code Http3Settings.webTransportEnabled()}, {@code server.http3.web-transport.enabled}).
 */
public class WebTransportServlet extends HttpServlet {

	private static final long serialVersionUID = 1L;

	private final transient Function<HttpServletRequest, WebTransportHandler> handlers;

	/**
	 * @param handlers makes the handler of a session from its CONNECT request (its headers, principal and attributes),
	 * or returns {@code null} to refuse it
	 */
	public WebTransportServlet(Function<HttpServletRequest, WebTransportHandler> handlers) {
		this.handlers = Objects.requireNonNull(handlers, "handlers");
	}

	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (!(request.getAttribute(WebTransportUpgrade.ATTRIBUTE) instanceof WebTransportUpgrade upgrade)) {
			response.sendError(HttpServletResponse.SC_BAD_REQUEST, "A WebTransport endpoint: open it with new "
					+ "WebTransport(url) over HTTP/3, with WebTransport enabled (server.http3.web-transport.enabled)");
			return;
		}
		WebTransportHandler handler = this.handlers.apply(request);
		if (handler == null) {
			response.sendError(HttpServletResponse.SC_FORBIDDEN);
			return;
		}
		upgrade.accept(handler, handshake(request));
		response.setStatus(HttpServletResponse.SC_OK);
	}

	/** What the session keeps of its CONNECT: the path, the fields, the user and the request's attributes. */
	static WebTransportHandshake handshake(HttpServletRequest request) {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (String name : Collections.list(request.getHeaderNames())) {
			headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), (key) -> new ArrayList<>())
				.addAll(Collections.list(request.getHeaders(name)));
		}
		Map<String, Object> attributes = new LinkedHashMap<>();
		for (String name : Collections.list(request.getAttributeNames())) {
			Object value = request.getAttribute(name);
			if (value != null && !name.equals(WebTransportUpgrade.ATTRIBUTE)) {
				attributes.put(name, value);
			}
		}
		return new WebTransportHandshake(request.getRequestURI(), headers, request.getUserPrincipal(), attributes);
	}

}
