package dev.h3servlet.connector;

import java.time.Duration;
import java.util.function.IntSupplier;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Advertises an HTTP/3 listener with {@code Alt-Svc: h3=":port"; ma=seconds} on responses to HTTP/1.1 and HTTP/2
 * requests that arrived over TLS. HTTP/3 responses never carry it: the client is already there.
 * <p>
 * The port is read on every request, so a listener whose UDP port is only known once it is bound (port 0) is
 * advertised correctly; until it is bound nothing is advertised.
 */
public final class AltSvcCustomizer implements HttpConfiguration.Customizer {

	private final IntSupplier port;

	private final long maxAgeSeconds;

	/**
	 * @param port supplies the UDP port the h3 listener is bound to, or a value {@code <= 0} while it is not bound
	 * @param maxAge how long clients may remember the advertisement
	 */
	public AltSvcCustomizer(IntSupplier port, Duration maxAge) {
		this.port = port;
		this.maxAgeSeconds = maxAge.toSeconds();
	}

	@Override
	public Request customize(Request request, HttpFields.Mutable responseHeaders) {
		ConnectionMetaData metaData = request.getConnectionMetaData();
		if (metaData.getHttpVersion() != HttpVersion.HTTP_3 && metaData.isSecure()) {
			int port = this.port.getAsInt();
			if (port > 0) {
				responseHeaders.add(HttpHeader.ALT_SVC, value(port));
			}
		}
		return request;
	}

	String value(int port) {
		return "h3=\":" + port + "\"; ma=" + this.maxAgeSeconds;
	}

	@Override
	public String toString() {
		return "AltSvcCustomizer{h3 port=" + this.port.getAsInt() + ", ma=" + this.maxAgeSeconds + "}";
	}

}
