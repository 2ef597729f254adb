package dev.h3servlet.testapp;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/** Sets a request attribute and a response header, and wraps the response to add another. */
public class MarkingFilter implements Filter {

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		request.setAttribute("filtered", "yes");
		HttpServletResponse http = (HttpServletResponse) response;
		http.setHeader("X-Filter", "before");
		chain.doFilter(request, new HttpServletResponseWrapper(http) {

			@Override
			public void setContentType(String type) {
				super.setContentType(type);
				super.setHeader("X-Filter-Wrapped", "content-type seen: " + type);
			}

		});
	}

}
