package dev.h3servlet.testapp;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The mapped error page: reports the error attributes. */
public class ErrorPageServlet extends HttpServlet {

	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setContentType("text/plain;charset=UTF-8");
		PrintWriter out = response.getWriter();
		out.println("error page");
		out.println("dispatcherType=" + request.getDispatcherType());
		out.println("status=" + request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE));
		out.println("message=" + request.getAttribute(RequestDispatcher.ERROR_MESSAGE));
		out.println("requestURI=" + request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
		Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
		out.println("exception=" + ((exception != null) ? exception.getClass().getName() : null));
	}

}
