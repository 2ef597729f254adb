package dev.h3servlet.testapp;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/** A counter in the {@link HttpSession}. */
public class SessionServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		HttpSession session = request.getSession();
		boolean isNew = session.isNew();
		int count = (session.getAttribute("count") instanceof Integer previous) ? previous + 1 : 1;
		session.setAttribute("count", count);
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter()
			.print("new=" + isNew + " count=" + count + " requestedSessionIdValid="
					+ request.isRequestedSessionIdValid() + " fromCookie="
					+ request.isRequestedSessionIdFromCookie());
	}

}
