package dev.h3servlet.testapp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** {@code setContentLengthLong} on a body written in two parts. */
public class ContentLengthServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setContentType("application/octet-stream");
		response.setContentLengthLong(10);
		ServletOutputStream out = response.getOutputStream();
		out.write("01234".getBytes(StandardCharsets.US_ASCII));
		out.flush();
		out.write("56789".getBytes(StandardCharsets.US_ASCII));
	}

}
