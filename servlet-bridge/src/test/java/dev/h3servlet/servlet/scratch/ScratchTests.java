package dev.h3servlet.servlet.scratch;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.testing.JettyClients;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ScratchTests {

	static final int SIZE = 5 * 1024 * 1024;

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder.servlet("/bytes", new HttpServlet() {
		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			byte[] chunk = new byte[8192];
			response.setContentLengthLong(SIZE);
			var out = response.getOutputStream();
			for (int written = 0; written < SIZE; written += chunk.length) {
				out.write(chunk, 0, Math.min(chunk.length, SIZE - written));
			}
		}
	}));

	@Test
	void scratch() throws Exception {
		HttpClient h3 = JettyClients.http3();
		try {
			for (int i = 0; i < 20; i++) {
				long start = System.nanoTime();
				ContentResponse response = new org.eclipse.jetty.client.CompletableResponseListener(h3.newRequest(server.uri("/bytes")).timeout(20, TimeUnit.SECONDS), 8 * 1024 * 1024).send().get(25, TimeUnit.SECONDS);
				System.out.println("GOT " + i + " " + response.getStatus() + " " + response.getContent().length + " in " + (System.nanoTime() - start) / 1_000_000 + " ms; " + dev.h3servlet.servlet.Http3ServletServer.http3Connector(server.server()).getStatistics());
			}
		}
		finally {
			h3.stop();
		}
	}

}
