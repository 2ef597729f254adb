/**
 * Servlet semantics over HTTP/3: {@link dev.h3servlet.servlet.Http3BridgeHandler} makes an HTTP/3 request look to an
 * unchanged servlet exactly like one over HTTP/1.1 or HTTP/2, in any Jetty 12 environment;
 * {@link dev.h3servlet.servlet.Http3ServletServer} is a small API for embedding a servlet server with HTTP/3 in plain
 * Java.
 */
package dev.h3servlet.servlet;
