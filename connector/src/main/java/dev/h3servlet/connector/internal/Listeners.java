package dev.h3servlet.connector.internal;

import java.io.IOException;
import java.net.BindException;

import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3StartupException;
import org.eclipse.jetty.server.NetworkConnector;
import org.slf4j.Logger;

/**
 * What both transports say about their UDP listener: the port they follow, the bind failure, the UDP buffer warning
 * and the start-up line.
 */
public final class Listeners {

	private Listeners() {
	}

	/**
	 * The TLS connector's bound port, or its configured one, which an HTTP/3 listener without a port of its own uses.
	 * @throws IllegalStateException when the TLS connector is neither bound nor given a port
	 */
	public static int tlsPort(NetworkConnector tlsConnector) {
		int port = tlsConnector.getLocalPort();
		if (port <= 0) {
			port = tlsConnector.getPort();
		}
		if (port <= 0) {
			throw new Http3StartupException("HTTP/3 follows the TLS connector's port, but " + tlsConnector
					+ " is not bound yet and has no fixed port", "Start it first, or set the HTTP/3 port");
		}
		return port;
	}

	/** Whether a failure is, or was caused by, a {@link BindException}. */
	public static boolean isBindFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof BindException) {
				return true;
			}
		}
		return false;
	}

	/** The failure to report when the UDP port could not be bound. */
	public static IOException bindFailure(int port, String host, Throwable cause) {
		return new IOException("HTTP/3 could not bind UDP port " + port + " on " + describeHost(host)
				+ ": the port is already bound by another process or connector. Free it, or set the HTTP/3 "
				+ "port to another number (0 for any free port)", cause);
	}

	/**
	 * Warns when the operating system granted a UDP socket buffer clearly smaller than asked for. Linux reports twice
	 * what it grants for bookkeeping, so half of the request is a clear shortfall.
	 * @param which {@code receive} or {@code send}
	 */
	public static void warnIfSmaller(Logger logger, String which, int granted, int requested) {
		if (granted < requested / 2) {
			String sysctl = which.equals("receive") ? "net.core.rmem_max" : "net.core.wmem_max";
			logger.warn("HTTP/3 UDP {} buffer is {} bytes, {} were asked for: QUIC will drop packets under load. "
					+ "Raise the OS limit (Linux: sysctl -w {}={}) or lower the setting", which, granted, requested,
					sysctl, requested);
		}
	}

	/**
	 * Logs the one INFO line that says where h3 listens, on which transport, and how it is advertised.
	 * @param transport e.g. {@code netty, epoll} or {@code jetty-quiche, jna binding}
	 */
	public static void logStarted(Logger logger, String transport, String host, int port, Http3Settings settings) {
		logger.info("HTTP/3 (QUIC, {}) listening on udp://{}:{}; {}", transport, describeHost(host), port,
				describeAdvertising(port, settings));
	}

	/** As {@link #logStarted(Logger, String, String, int, Http3Settings)}, ending with how the sockets are served. */
	public static void logStarted(Logger logger, String transport, String host, int port, Http3Settings settings,
			String sockets) {
		logger.info("HTTP/3 (QUIC, {}) listening on udp://{}:{}; {}; {}", transport, describeHost(host), port,
				describeAdvertising(port, settings), sockets);
	}

	private static String describeAdvertising(int port, Http3Settings settings) {
		if (!settings.altSvcEnabled()) {
			return "not advertised (Alt-Svc disabled)";
		}
		int advertised = (settings.altSvcPort() != null) ? settings.altSvcPort() : port;
		return "advertised on HTTP/1.1 and HTTP/2 responses as Alt-Svc: h3=\":" + advertised + "\"; ma="
				+ settings.altSvcMaxAge().toSeconds();
	}

	/** A host for messages: {@code *} for all interfaces. */
	public static String describeHost(String host) {
		return (host != null) ? host : "*";
	}

}
