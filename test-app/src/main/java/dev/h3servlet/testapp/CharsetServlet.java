package dev.h3servlet.testapp;

import java.io.BufferedReader;
import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** {@code GET}: ISO-8859-1 response; {@code POST}: decodes the body with the request's charset. */
public class CharsetServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setContentType("text/plain");
		response.setCharacterEncoding("ISO-8859-1");
		response.getWriter().print("caf\u00e9 \u00e0 la cr\u00e8me");
	}

	@Override
	protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String encoding = request.getCharacterEncoding();
		BufferedReader reader = request.getReader();
		StringBuilder text = new StringBuilder();
		for (int c = reader.read(); c >= 0; c = reader.read()) {
			text.append((char) c);
		}
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter().print("encoding=" + encoding + " text=" + text);
	}

}
