package dev.h3servlet.testapp;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /protocols?id=A&id=B}: a line per id, the id and the protocols the {@link ProtocolLog} recorded for it,
 * separated by tabs (an id that reached no servlet has a line of its own name only).
 */
public class ProtocolLogServlet extends HttpServlet {

	private final ProtocolLog log;

	ProtocolLogServlet(ProtocolLog log) {
		this.log = log;
	}

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setContentType("text/plain;charset=UTF-8");
		response.setHeader("Cache-Control", "no-store");
		PrintWriter out = response.getWriter();
		String[] ids = request.getParameterValues("id");
		for (String id : (ids != null) ? ids : new String[0]) {
			StringBuilder line = new StringBuilder(id);
			this.log.protocolsOf(id).forEach((protocol) -> line.append('\t').append(protocol));
			out.println(line);
		}
	}

}
