package dev.h3servlet.testapp;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Response headers: {@code ?kind=multi} (one name, several values), {@code latin1} (non-ASCII ISO-8859-1 values),
 * {@code many} (100 fields), {@code large} (one 6,000-character value).
 */
public class ResponseHeadersServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		switch (request.getParameter("kind")) {
			case "multi" -> {
				response.addHeader("X-Multi", "one");
				response.addHeader("X-Multi", "two, three");
				response.addHeader("X-Multi", "four");
				response.addHeader("Cache-Control", "no-cache");
				response.addHeader("Cache-Control", "no-store");
			}
			case "latin1" -> response.setHeader("X-Latin1", "caf\u00e9 cr\u00e8me \u00fcber");
			case "many" -> {
				for (int i = 0; i < 100; i++) {
					response.addHeader("X-Many-" + i, "value-" + i);
				}
			}
			case "large" -> response.setHeader("X-Large", "x".repeat(6000));
			default -> throw new IllegalArgumentException("kind");
		}
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter().print("headers " + request.getParameter("kind"));
	}

}
