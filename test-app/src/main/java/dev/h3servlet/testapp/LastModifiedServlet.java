package dev.h3servlet.testapp;

import java.io.IOException;
import java.time.Instant;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Implements {@code getLastModified}: HttpServlet answers If-Modified-Since itself. */
public class LastModifiedServlet extends HttpServlet {

	/** What {@code getLastModified} answers: fixed, second precision. */
	public static final Instant LAST_MODIFIED = Instant.parse("2025-06-01T10:00:00Z");

	@Override
	protected long getLastModified(HttpServletRequest request) {
		return LAST_MODIFIED.toEpochMilli();
	}

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter().print("modified content");
	}

}
