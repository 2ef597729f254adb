/**
 * The HTTP/3 listener for a Jetty 12 {@code Server}: {@link dev.h3servlet.connector.Http3Connectors#install} adds an
 * {@link dev.h3servlet.connector.Http3Connector} beside the TLS connector, sharing its TLS, port number and
 * {@code HttpConfiguration}, made to the {@link dev.h3servlet.connector.Http3Settings} (each one an
 * {@link dev.h3servlet.connector.Http3Setting}). No servlet or Spring types; the transports live in {@code netty} and
 * {@code quiche}.
 */
package dev.h3servlet.connector;
