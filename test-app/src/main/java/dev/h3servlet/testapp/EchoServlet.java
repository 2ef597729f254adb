package dev.h3servlet.testapp;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Writes what the request looked like to the servlet: method, paths, parameters, headers, cookies, body. */
public class EchoServlet extends HttpServlet {

	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setContentType("text/plain;charset=UTF-8");
		PrintWriter out = response.getWriter();
		describe(request, out);
		byte[] body = request.getInputStream().readAllBytes();
		out.println("body.length=" + body.length);
		out.println("body="
				+ ((body.length <= 256) ? new String(body, StandardCharsets.UTF_8) : DeterministicBytes.sha256Hex(body)));
	}

	static void describe(HttpServletRequest request, PrintWriter out) {
		out.println("method=" + request.getMethod());
		out.println("requestURI=" + request.getRequestURI());
		out.println("contextPath=" + request.getContextPath());
		out.println("servletPath=" + request.getServletPath());
		out.println("pathInfo=" + request.getPathInfo());
		out.println("queryString=" + request.getQueryString());
		out.println("parameters=" + parameters(request));
		out.println("contentType=" + request.getContentType());
		out.println("characterEncoding=" + request.getCharacterEncoding());
		out.println("contentLength=" + request.getContentLengthLong());
		out.println("scheme=" + request.getScheme() + " secure=" + request.isSecure() + " serverName="
				+ request.getServerName() + " serverPort=" + request.getServerPort());
		out.println("remoteAddr=" + request.getRemoteAddr() + " remotePort>0=" + (request.getRemotePort() > 0)
				+ " localAddr=" + request.getLocalAddr() + " localPort=" + request.getLocalPort());
		out.println("requestURL=" + request.getRequestURL());
		// Sorted by name: the order of different names is not compared, the order of one name's values is.
		Map<String, List<String>> headers = new TreeMap<>();
		for (String name : Collections.list(request.getHeaderNames())) {
			if (!name.equalsIgnoreCase(TestApp.REQUEST_ID)) {
				headers.put(name.toLowerCase(Locale.ROOT), Collections.list(request.getHeaders(name)));
			}
		}
		headers.forEach((name, values) -> out.println("header " + name + "=" + values));
		Cookie[] cookies = request.getCookies();
		if (cookies != null) {
			for (Cookie cookie : cookies) {
				out.println("cookie " + cookie.getName() + "=" + cookie.getValue());
			}
		}
		out.println("attribute filtered=" + request.getAttribute("filtered"));
	}

	static String parameters(HttpServletRequest request) {
		Map<String, List<String>> parameters = new TreeMap<>();
		request.getParameterMap().forEach((name, values) -> parameters.put(name, List.of(values)));
		return parameters.toString();
	}

}
