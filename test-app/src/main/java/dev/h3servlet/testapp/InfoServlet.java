package dev.h3servlet.testapp;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What the servlet container says about the request, one {@code name=value} per line: protocol, security, scheme and
 * the TLS attributes of the Servlet specification, and the Servlet version of the container (6.0 on Jetty's ee10,
 * 6.1 on ee11: the WAR's descriptor is 6.0, so it deploys on both).
 */
public class InfoServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setContentType("text/plain;charset=utf-8");
		response.setHeader("Cache-Control", "no-store");
		PrintWriter out = response.getWriter();
		out.println("protocol=" + request.getProtocol());
		out.println("secure=" + request.isSecure());
		out.println("scheme=" + request.getScheme());
		out.println("contextPath=" + request.getContextPath());
		out.println("cipherSuite=" + request.getAttribute("jakarta.servlet.request.cipher_suite"));
		out.println("keySize=" + request.getAttribute("jakarta.servlet.request.key_size"));
		out.println("sessionId=" + request.getAttribute("jakarta.servlet.request.ssl_session_id"));
		out.println("servletSpec=" + getServletContext().getMajorVersion() + "." + getServletContext().getMinorVersion());
	}

}
