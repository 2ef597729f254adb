package dev.h3servlet.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.util.concurrent.Future;

/**
 * What the Netty test clients share: bounded waits on Netty's futures, failing with what could not be done, and the
 * start of a QUIC client codec for HTTP/3 that trusts one certificate.
 */
final class NettyFutures {

	private NettyFutures() {
	}

	/**
	 * A QUIC client codec builder for ALPN {@code h3} that trusts only the certificate, which must name the server's
	 * host or address, with the idle timeout.
	 */
	static QuicClientCodecBuilder h3ClientCodec(InetSocketAddress server, X509Certificate trusted, Duration timeout) {
		QuicSslContext ssl = QuicSslContextBuilder.forClient()
			.trustManager(trusted)
			.applicationProtocols(Http3.supportedApplicationProtocols())
			.build();
		// The default engine has no peer host, so the JDK's endpoint identification (on by default) would fail with
		// "Hostname or IP address is undefined": name the server, whose certificate must then match it.
		return Http3.newQuicClientCodecBuilder()
			.sslEngineProvider((quic) -> ssl.newEngine(quic.alloc(), server.getHostString(), server.getPort()))
			.maxIdleTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Waits for the future, at most the timeout.
	 * @param what what the future does, for the message ("complete the QUIC handshake with ...")
	 * @throws IOException if it did not complete in time (it is then cancelled) or failed
	 */
	static <F extends Future<?>> F await(F future, Duration timeout, String what) throws IOException {
		try {
			if (!future.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				future.cancel(false);
				throw new IOException("Could not " + what + " in " + timeout);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while waiting to " + what, ex);
		}
		if (!future.isSuccess()) {
			throw new IOException("Could not " + what, future.cause());
		}
		return future;
	}

}
