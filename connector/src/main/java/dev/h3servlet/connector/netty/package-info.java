/**
 * The netty transport: Netty 4.2's QUIC and HTTP/3 codecs under Jetty's request handling. Only Jetty's core server
 * API ({@code HttpStream}, {@code HttpChannel}, {@code ConnectionMetaData}) is used, so it runs on the Jetty an
 * application already has. {@link dev.h3servlet.connector.netty.NettyHttp3Connector} is the listener.
 */
package dev.h3servlet.connector.netty;
