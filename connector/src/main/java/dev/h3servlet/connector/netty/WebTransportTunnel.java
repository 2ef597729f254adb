package dev.h3servlet.connector.netty;

import java.util.Objects;

import dev.h3servlet.connector.webtransport.WebTransportHandler;
import dev.h3servlet.connector.webtransport.WebTransportHandshake;
import dev.h3servlet.connector.webtransport.WebTransportUpgrade;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.TunnelSupport;

/**
 * The upgrade of an extended CONNECT with {@code :protocol webtransport}: Jetty's {@link TunnelSupport} of the
 * request (its protocol is {@code webtransport}), and the application's {@link WebTransportUpgrade}. What the
 * application decides is read by {@link NettyHttpStream} when the response is sent.
 */
final class WebTransportTunnel implements TunnelSupport, WebTransportUpgrade {

	private final String path;

	private final String origin;

	private final EndPoint endPoint;

	private volatile WebTransportHandler handler;

	private volatile WebTransportHandshake handshake;

	WebTransportTunnel(String path, String origin, EndPoint endPoint) {
		this.path = path;
		this.origin = origin;
		this.endPoint = endPoint;
	}

	@Override
	public String getProtocol() {
		return WebTransportWire.PROTOCOL;
	}

	@Override
	public EndPoint getEndPoint() {
		return this.endPoint;
	}

	@Override
	public String path() {
		return this.path;
	}

	@Override
	public String origin() {
		return this.origin;
	}

	@Override
	public synchronized void accept(WebTransportHandler handler, WebTransportHandshake handshake) {
		Objects.requireNonNull(handler, "handler");
		Objects.requireNonNull(handshake, "handshake");
		if (this.handler != null) {
			throw new IllegalStateException("The WebTransport session of " + this.path + " is accepted already");
		}
		this.handshake = handshake;
		this.handler = handler;
	}

	@Override
	public boolean isAccepted() {
		return this.handler != null;
	}

	WebTransportHandler handler() {
		return this.handler;
	}

	WebTransportHandshake handshake() {
		return this.handshake;
	}

	@Override
	public String toString() {
		return "WebTransportUpgrade[" + this.path + (isAccepted() ? ", accepted]" : "]");
	}

}
