package dev.h3servlet.testapp;

import java.io.IOException;
import java.io.InputStream;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** {@code ?size=N}: N deterministic bytes with Content-Length. */
public class BytesServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		long size = Long.parseLong(request.getParameter("size"));
		response.setContentType("application/octet-stream");
		response.setContentLengthLong(size);
		try (InputStream in = DeterministicBytes.stream(size)) {
			in.transferTo(response.getOutputStream());
		}
	}

}
