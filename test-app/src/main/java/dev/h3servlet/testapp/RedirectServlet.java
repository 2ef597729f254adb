package dev.h3servlet.testapp;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** {@code /redirect/relative}: {@code sendRedirect("target?x=1")}; the others: absolute paths, 303. */
public class RedirectServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		switch (request.getPathInfo()) {
			case "/relative" -> response.sendRedirect("target?x=1");
			case "/absolute-path" -> response.sendRedirect("/echo/redirected");
			case "/see-other" -> response.sendRedirect("/echo/other", 303);
			default -> response.sendError(400);
		}
	}

}
