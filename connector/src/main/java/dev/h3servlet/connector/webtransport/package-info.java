/**
 * WebTransport over HTTP/3 (draft-02, the version Chromium speaks) on the netty transport: an application accepts a
 * session from the CONNECT request that asks for it ({@link dev.h3servlet.connector.webtransport.WebTransportUpgrade},
 * a request attribute), then exchanges streams and datagrams with the client through the
 * {@link dev.h3servlet.connector.webtransport.WebTransportSession} its
 * {@link dev.h3servlet.connector.webtransport.WebTransportHandler} is given. Enabled by
 * {@code Http3Settings.webTransportEnabled()}.
 */
package dev.h3servlet.connector.webtransport;
