package dev.h3servlet.testapp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Reads request trailers (POST) and sends response trailers (GET). */
public class TrailersServlet extends HttpServlet {

	@Override
	protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
		byte[] body = request.getInputStream().readAllBytes();
		boolean ready = request.isTrailerFieldsReady();
		Map<String, String> trailers = new TreeMap<>(request.getTrailerFields());
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter()
			.print("body=" + new String(body, StandardCharsets.UTF_8) + " ready=" + ready + " trailers="
					+ trailers);
	}

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setTrailerFields(() -> Map.of("x-digest", "sha-256=abc", "x-status", "complete"));
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter().print("body before trailers");
		response.flushBuffer();
	}

}
