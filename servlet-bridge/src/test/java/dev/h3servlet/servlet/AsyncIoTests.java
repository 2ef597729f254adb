package dev.h3servlet.servlet;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.JettyClientsExtension;
import dev.h3servlet.testapp.DeterministicBytes;
import dev.h3servlet.testapp.NonBlockingEchoServlet;
import dev.h3servlet.testapp.ProtocolLog;
import dev.h3servlet.testapp.TestApp;
import jakarta.servlet.ReadListener;
import jakarta.servlet.WriteListener;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Async servlets with non-blocking I/O over HTTP/3: the test application's {@link NonBlockingEchoServlet} reads a
 * body sent without Content-Length with a {@link ReadListener} and writes it back, behind a line with its length and
 * SHA-256, with a {@link WriteListener}; its {@link ProtocolLog} holds what the servlet saw as the protocol.
 */
@Tag(TestTransport.BOTH)
class AsyncIoTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	private static final ProtocolLog protocols = new ProtocolLog();

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> {
		ServletHolder holder = new ServletHolder(new NonBlockingEchoServlet());
		holder.setAsyncSupported(true);
		builder.servlet("/nio", holder).context((context) -> context.addEventListener(protocols));
	});

	@Test
	void readListenerReadsABodyWithoutContentLength() throws Exception {
		echoes(300 * 1024 + 17, "read");
	}

	@Test
	void writeListenerWritesALargeResponse() throws Exception {
		echoes(2 * 1024 * 1024, "write");
	}

	private static void echoes(int size, String id) throws Exception {
		byte[] body = new byte[size];
		new Random(size).nextBytes(body);
		Request request = clients.http3()
			.POST(server.uri("/nio"))
			.headers((headers) -> headers.put(TestApp.REQUEST_ID, id))
			.body(new InputStreamRequestContent(new ByteArrayInputStream(body)))
			.timeout(30, TimeUnit.SECONDS);
		ContentResponse response = new CompletableResponseListener(request, 2 * size).send()
			.get(30, TimeUnit.SECONDS);
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(protocols.protocolsOf(id)).containsExactly("HTTP/3.0");
		byte[] line = ("received=" + size + " sha256=" + DeterministicBytes.sha256Hex(body) + "\n")
			.getBytes(StandardCharsets.UTF_8);
		byte[] content = response.getContent();
		assertThat(content).hasSize(line.length + size);
		assertThat(Arrays.copyOf(content, line.length)).asString(StandardCharsets.UTF_8)
			.isEqualTo(new String(line, StandardCharsets.UTF_8));
		assertThat(DeterministicBytes.sha256Hex(Arrays.copyOfRange(content, line.length, content.length)))
			.isEqualTo(DeterministicBytes.sha256Hex(body));
	}

}
