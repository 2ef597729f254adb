package dev.h3servlet.testapp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Answers {@code length=N sha256=HEX protocol=P} for the body it was posted. */
public class UploadServlet extends HttpServlet {

	@Override
	protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
		MessageDigest digest = DeterministicBytes.sha256();
		long length;
		try (InputStream in = new DigestInputStream(request.getInputStream(), digest)) {
			length = in.transferTo(OutputStream.nullOutputStream());
		}
		response.setContentType("text/plain;charset=utf-8");
		response.getWriter()
			.print("length=" + length + " sha256=" + HexFormat.of().formatHex(digest.digest()) + " protocol="
					+ request.getProtocol());
	}

}
