package dev.h3servlet.testapp;

import java.io.IOException;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** 64 chunks of 1 KiB, each flushed: no Content-Length. */
public class StreamServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setContentType("application/octet-stream");
		ServletOutputStream out = response.getOutputStream();
		byte[] chunk = new byte[1024];
		for (int i = 0; i < 64; i++) {
			for (int j = 0; j < chunk.length; j++) {
				chunk[j] = DeterministicBytes.at((long) i * chunk.length + j);
			}
			out.write(chunk);
			out.flush();
		}
	}

}
