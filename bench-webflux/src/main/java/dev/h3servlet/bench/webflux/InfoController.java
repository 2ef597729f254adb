package dev.h3servlet.bench.webflux;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLEngine;

import io.netty.channel.Channel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.ssl.SslHandler;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServerRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/info}: the request's details as JSON, with the field names of the h3servlet demo's endpoint, and
 * the protocol Reactor Netty received the request over ({@code HTTP/1.1}, {@code HTTP/2.0} or {@code HTTP/3.0}) also
 * in the response header {@value #PROTOCOL_HEADER}. WebFlux has no servlet request attributes: the TLS cipher suite
 * comes from the connection's TLS engine (TCP) or QUIC connection, and the key size is always {@code null}.
 */
@RestController
final class InfoController {

	/** The protocol the server saw, as the bench's other servers send it. */
	static final String PROTOCOL_HEADER = "x-served-over";

	@GetMapping("/api/info")
	ResponseEntity<Map<String, @Nullable Object>> info(ServerHttpRequest request) {
		HttpServerRequest reactorRequest = ServerHttpRequestDecorator.getNativeRequest(request);
		String protocol = reactorRequest.protocol();
		String scheme = request.getURI().getScheme();
		InetSocketAddress remote = request.getRemoteAddress();
		InetSocketAddress local = request.getLocalAddress();
		Map<String, @Nullable Object> info = new LinkedHashMap<>();
		info.put("protocol", protocol);
		info.put("scheme", scheme);
		info.put("secure", "https".equals(scheme));
		info.put("remoteAddress", (remote != null) ? remote.getAddress().getHostAddress() : null);
		info.put("remotePort", (remote != null) ? remote.getPort() : null);
		info.put("localPort", (local != null) ? local.getPort() : null);
		info.put("cipherSuite", cipherSuite(reactorRequest));
		info.put("keySize", null);
		info.put("userAgent", request.getHeaders().getFirst(HttpHeaders.USER_AGENT));
		return ResponseEntity.ok().header(PROTOCOL_HEADER, protocol).body(info);
	}

	/**
	 * The cipher suite TLS agreed on: from the {@link SslHandler} of the TCP connection (the request's channel for
	 * HTTP/1.1, its parent for an HTTP/2 stream) or from the QUIC connection an HTTP/3 stream belongs to.
	 */
	private static @Nullable String cipherSuite(HttpServerRequest request) {
		AtomicReference<@Nullable String> cipherSuite = new AtomicReference<>();
		request.withConnection((connection) -> {
			for (Channel channel = connection.channel(); channel != null; channel = channel.parent()) {
				if (channel instanceof QuicChannel quic) {
					SSLEngine engine = quic.sslEngine();
					cipherSuite.set((engine != null) ? engine.getSession().getCipherSuite() : null);
					return;
				}
				SslHandler ssl = channel.pipeline().get(SslHandler.class);
				if (ssl != null) {
					cipherSuite.set(ssl.engine().getSession().getCipherSuite());
					return;
				}
			}
		});
		return cipherSuite.get();
	}

}
