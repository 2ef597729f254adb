/**
 * The jetty-quiche transport: Jetty 12.1.5's own QUIC connector and HTTP/3 stack (quiche through Jetty's JNA or
 * foreign binding) under h3servlet's listener. Its Jetty jars are optional dependencies: an application that picks
 * this transport adds them (see {@link dev.h3servlet.connector.quiche.QuicheConnectorProvider}).
 */
package dev.h3servlet.connector.quiche;
