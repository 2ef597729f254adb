package dev.h3servlet.testapp;

import java.io.IOException;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** {@code /dispatch/forward} and {@code /dispatch/include} to {@link FragmentServlet}. */
public class DispatchServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response)
			throws IOException, ServletException {
		request.setAttribute("from", "dispatcher");
		RequestDispatcher dispatcher = request.getRequestDispatcher("/fragment?added=1");
		if ("/forward".equals(request.getPathInfo())) {
			response.setHeader("X-Before-Forward", "kept");
			dispatcher.forward(request, response);
			return;
		}
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter().println("before include");
		dispatcher.include(request, response);
		response.getWriter().println("after include");
	}

}
