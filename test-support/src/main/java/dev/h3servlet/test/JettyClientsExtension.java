package dev.h3servlet.test;

import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Jetty's HTTP/1.1, HTTP/2 and HTTP/3 clients ({@link JettyClients}) for the tests of one class: each is started when
 * first asked for and all are stopped after the class.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final JettyClientsExtension clients = new JettyClientsExtension();
 * ...
 * clients.http3().newRequest(uri).send();
 * </pre>
 */
public final class JettyClientsExtension implements AfterAllCallback {

	private HttpClient http11;

	private HttpClient http2;

	private HttpClient http3;

	/** The HTTP/1.1 (over TLS) client, trusting any certificate. */
	public synchronized HttpClient http11() {
		if (this.http11 == null) {
			this.http11 = started(JettyClients::http11);
		}
		return this.http11;
	}

	/** The HTTP/2 (over TLS) client, trusting any certificate. */
	public synchronized HttpClient http2() {
		if (this.http2 == null) {
			this.http2 = started(JettyClients::http2);
		}
		return this.http2;
	}

	/** The HTTP/3 client (Jetty's, over quiche), trusting any certificate. */
	public synchronized HttpClient http3() {
		if (this.http3 == null) {
			this.http3 = started(JettyClients::http3);
		}
		return this.http3;
	}

	@Override
	public synchronized void afterAll(ExtensionContext context) throws Exception {
		HttpClient[] clients = { this.http11, this.http2, this.http3 };
		this.http11 = null;
		this.http2 = null;
		this.http3 = null;
		LifeCycles.stopAll(clients);
	}

	private static HttpClient started(StartedClient client) {
		try {
			return client.start();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not start the client", ex);
		}
	}

	@FunctionalInterface
	private interface StartedClient {

		HttpClient start() throws Exception;

	}

}
