package dev.h3servlet.testapp;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** {@code sendError(code, message)}: an error page where one is mapped, Jetty's default page otherwise. */
public class SendErrorServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setHeader("X-Before-Error", "kept");
		response.sendError(Integer.parseInt(request.getParameter("code")), request.getParameter("message"));
	}

}
