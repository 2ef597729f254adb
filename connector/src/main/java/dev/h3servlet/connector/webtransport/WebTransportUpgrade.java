package dev.h3servlet.connector.webtransport;

/**
 * A client's request for a WebTransport session: an HTTP/3 extended CONNECT with {@code :protocol webtransport}. The
 * request carries it as the attribute {@link #ATTRIBUTE} (and as Jetty's {@code Request.getTunnelSupport()}), so the
 * application's filters (authentication, origin checks) run before anything is accepted. {@link #accept} before the
 * response is committed makes the 2xx response open the session; any other response refuses it, and a response
 * that is not 2xx refuses it even after {@link #accept}.
 */
public interface WebTransportUpgrade {

	/** The request attribute that holds the upgrade of a WebTransport CONNECT. */
	String ATTRIBUTE = WebTransportUpgrade.class.getName();

	/** The CONNECT's {@code :path}: the endpoint the client asks for. */
	String path();

	/** The CONNECT's {@code origin} field, or {@code null} if it has none. */
	String origin();

	/**
	 * Accepts the session: once the response (a 2xx, the servlet's 200 unless it sets another) has been sent, the
	 * handler's {@link WebTransportHandler#onOpen} runs.
	 * @param handler what the session's events go to
	 * @param handshake what the CONNECT carried, which the session keeps ({@link WebTransportSession#handshake()})
	 * @throws IllegalStateException if accepted already
	 */
	void accept(WebTransportHandler handler, WebTransportHandshake handshake);

	/** Whether {@link #accept} was called. */
	boolean isAccepted();

}
