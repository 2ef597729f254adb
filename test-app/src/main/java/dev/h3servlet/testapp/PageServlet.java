package dev.h3servlet.testapp;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A page that shows the protocol twice: as the servlet saw it ({@code #servlet}) and as the browser used it, read by
 * its script from the navigation timing ({@code #proto}).
 */
public class PageServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setContentType("text/html;charset=utf-8");
		response.setHeader("Cache-Control", "no-store");
		response.getWriter()
			.print("<!DOCTYPE html><html><head><title>h3servlet sample</title><link rel=\"icon\" href=\"data:,\">"
					+ "</head><body><div id=\"servlet\">" + request.getProtocol() + "</div><div id=\"proto\"></div>"
					+ "<script>document.getElementById('proto').textContent = "
					+ "performance.getEntriesByType('navigation')[0].nextHopProtocol;</script></body></html>");
	}

}
