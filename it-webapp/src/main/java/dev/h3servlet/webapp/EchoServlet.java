package dev.h3servlet.webapp;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Answers {@code length=N sha256=HEX protocol=P} for the body it was posted. */
public class EchoServlet extends HttpServlet {

	@Override
	protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
		long length = 0;
		byte[] buffer = new byte[8192];
		try (InputStream in = request.getInputStream()) {
			for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
				digest.update(buffer, 0, read);
				length += read;
			}
		}
		response.setContentType("text/plain;charset=utf-8");
		response.getWriter()
			.print("length=" + length + " sha256=" + HexFormat.of().formatHex(digest.digest()) + " protocol="
					+ request.getProtocol());
	}

}
