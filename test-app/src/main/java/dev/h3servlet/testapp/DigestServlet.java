package dev.h3servlet.testapp;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The SHA-256 and length of the request body, and the Content-Length the servlet was told. */
public class DigestServlet extends HttpServlet {

	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
		MessageDigest digest = DeterministicBytes.sha256();
		long length = 0;
		byte[] buffer = new byte[16384];
		ServletInputStream in = request.getInputStream();
		for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
			digest.update(buffer, 0, read);
			length += read;
		}
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter()
			.print("method=" + request.getMethod() + " contentLength=" + request.getContentLengthLong()
					+ " read=" + length + " sha256=" + HexFormat.of().formatHex(digest.digest())
					+ " expect=" + request.getHeader("Expect"));
	}

}
