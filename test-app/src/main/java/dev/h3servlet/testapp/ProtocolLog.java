package dev.h3servlet.testapp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Records {@code request.getProtocol()} of every request that reaches the servlet context with a
 * {@value TestApp#REQUEST_ID} header, once per dispatch, by the header's value; {@link ProtocolLogServlet} answers
 * what it recorded, so that a client can check the protocol on the server's side of a server in another process.
 */
public final class ProtocolLog implements ServletRequestListener {

	private final Map<String, List<String>> protocols = new ConcurrentHashMap<>();

	@Override
	public void requestInitialized(ServletRequestEvent event) {
		ServletRequest request = event.getServletRequest();
		if (request instanceof HttpServletRequest http && http.getHeader(TestApp.REQUEST_ID) != null) {
			this.protocols
				.computeIfAbsent(http.getHeader(TestApp.REQUEST_ID),
						(id) -> Collections.synchronizedList(new ArrayList<>()))
				.add(request.getProtocol());
		}
	}

	/** What the servlet context saw as the protocol of the request with this id (once per dispatch). */
	public List<String> protocolsOf(String id) {
		List<String> seen = this.protocols.getOrDefault(id, List.of());
		synchronized (seen) {
			return List.copyOf(seen);
		}
	}

}
