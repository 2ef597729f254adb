package dev.h3servlet.testapp;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;

/** {@code @MultipartConfig} (set on the holder): lists the parts with their size and SHA-256. */
public class MultipartServlet extends HttpServlet {

	@Override
	protected void doPost(HttpServletRequest request, HttpServletResponse response)
			throws IOException, ServletException {
		response.setContentType("text/plain;charset=UTF-8");
		PrintWriter out = response.getWriter();
		out.println("parameter text=" + request.getParameter("text"));
		for (Part part : request.getParts()) {
			byte[] content = part.getInputStream().readAllBytes();
			out.println("part " + part.getName() + " filename=" + part.getSubmittedFileName() + " type="
					+ part.getContentType() + " size=" + part.getSize() + " sha256=" + DeterministicBytes.sha256Hex(content));
		}
	}

}
