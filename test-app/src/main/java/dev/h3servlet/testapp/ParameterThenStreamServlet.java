package dev.h3servlet.testapp;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** {@code getParameter} on a form POST consumes the body: {@code getInputStream} then reads nothing. */
public class ParameterThenStreamServlet extends HttpServlet {

	@Override
	protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String name = request.getParameter("name");
		byte[] rest = request.getInputStream().readAllBytes();
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter().print("name=" + name + " rest.length=" + rest.length);
	}

}
