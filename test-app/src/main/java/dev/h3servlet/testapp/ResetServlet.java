package dev.h3servlet.testapp;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Writes, sets headers and a status, then {@code reset()}s and answers something else. */
public class ResetServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setStatus(500);
		response.setHeader("X-Discarded", "yes");
		response.setContentType("text/html");
		response.getWriter().print("discarded");
		response.reset();
		response.setStatus(202);
		response.setHeader("X-After-Reset", "yes");
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter().print("after reset");
	}

}
