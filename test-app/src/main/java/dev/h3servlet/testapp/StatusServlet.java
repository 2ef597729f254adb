package dev.h3servlet.testapp;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** {@code setStatus(code)} with a short body, except for 204 and 304. */
public class StatusServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		int code = Integer.parseInt(request.getParameter("code"));
		response.setStatus(code);
		if (code != 204 && code != 304) {
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter().print("status " + code);
		}
	}

}
