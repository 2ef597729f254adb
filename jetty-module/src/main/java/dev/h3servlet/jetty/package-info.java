/**
 * The {@code h3servlet} module of a standalone Jetty: {@link dev.h3servlet.jetty.H3servletModule}, which
 * {@code etc/h3servlet.xml} calls with the module's properties.
 */
package dev.h3servlet.jetty;
