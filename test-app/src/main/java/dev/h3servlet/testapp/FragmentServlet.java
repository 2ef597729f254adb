package dev.h3servlet.testapp;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

public class FragmentServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (request.getDispatcherType() == DispatcherType.FORWARD) {
			response.setContentType("text/plain;charset=UTF-8");
		}
		else {
			response.setHeader("X-Ignored-In-Include", "set");
		}
		PrintWriter out = response.getWriter();
		out.println("fragment dispatcherType=" + request.getDispatcherType() + " from="
				+ request.getAttribute("from") + " parameters=" + EchoServlet.parameters(request));
		out.println("requestURI=" + request.getRequestURI() + " servletPath=" + request.getServletPath());
		for (String name : List.of(RequestDispatcher.FORWARD_REQUEST_URI, RequestDispatcher.FORWARD_SERVLET_PATH,
				RequestDispatcher.FORWARD_QUERY_STRING, RequestDispatcher.INCLUDE_REQUEST_URI,
				RequestDispatcher.INCLUDE_SERVLET_PATH, RequestDispatcher.INCLUDE_QUERY_STRING)) {
			out.println(name + "=" + request.getAttribute(name));
		}
	}

}
