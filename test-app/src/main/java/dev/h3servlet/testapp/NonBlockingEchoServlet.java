package dev.h3servlet.testapp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Reads the body with a {@link ReadListener}, then writes it back in blocks with a {@link WriteListener}. */
public class NonBlockingEchoServlet extends HttpServlet {

	@Override
	protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
		AsyncContext async = request.startAsync();
		ServletInputStream in = request.getInputStream();
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		in.setReadListener(new ReadListener() {

			@Override
			public void onDataAvailable() throws IOException {
				byte[] buffer = new byte[8192];
				while (in.isReady()) {
					int read = in.read(buffer);
					if (read < 0) {
						return;
					}
					received.write(buffer, 0, read);
				}
			}

			@Override
			public void onAllDataRead() throws IOException {
				write(async, response, received.toByteArray());
			}

			@Override
			public void onError(Throwable failure) {
				response.setStatus(500);
				async.complete();
			}

		});
	}

	private static void write(AsyncContext async, HttpServletResponse response, byte[] body) throws IOException {
		byte[] answer = ("received=" + body.length + " sha256=" + DeterministicBytes.sha256Hex(body) + "\n")
			.getBytes(StandardCharsets.UTF_8);
		byte[] content = new byte[answer.length + body.length];
		System.arraycopy(answer, 0, content, 0, answer.length);
		System.arraycopy(body, 0, content, answer.length, body.length);
		response.setContentType("application/octet-stream");
		ServletOutputStream out = response.getOutputStream();
		out.setWriteListener(new WriteListener() {

			private int written;

			@Override
			public void onWritePossible() throws IOException {
				while (out.isReady()) {
					if (this.written == content.length) {
						async.complete();
						return;
					}
					int length = Math.min(4096, content.length - this.written);
					out.write(content, this.written, length);
					this.written += length;
				}
			}

			@Override
			public void onError(Throwable failure) {
				async.complete();
			}

		});
	}

}
