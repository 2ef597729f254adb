package dev.h3servlet.test;

import org.eclipse.jetty.http3.api.Session;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link RawHttp3Client} (Jetty's low-level HTTP/3 client, for frame-level exchanges) per test class: started
 * before the class's tests, closed after them. Register it beside {@link Http3ServerExtension}.
 */
public final class RawHttp3ClientExtension implements BeforeAllCallback, AfterAllCallback {

	private RawHttp3Client client;

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		this.client = RawHttp3Client.start();
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		if (this.client != null) {
			this.client.close();
			this.client = null;
		}
	}

	/** Opens an HTTP/3 connection to 127.0.0.1 on the port: see {@link RawHttp3Client#connect}. */
	public Session.Client connect(int port, Session.Client.Listener listener) throws Exception {
		return this.client.connect(port, listener);
	}

}
