package dev.h3servlet.servlet;

import java.io.IOException;
import java.util.Collections;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.JettyClientsExtension;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A servlet reached over HTTP/3 sees a {@code Host} field, as over HTTP/1.1, although the client sent only
 * {@code :authority} (found by the it/ protocol parity suite).
 */
@Tag(TestTransport.BOTH)
class HostFieldTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension(
			(builder) -> builder.servlet("/host/*", new HostServlet()));

	@Test
	void servletSeesTheAuthorityAsHostOverHttp3() throws Exception {
		ContentResponse response = clients.http3().newRequest(server.uri("/host/x")).timeout(30, TimeUnit.SECONDS).send();
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getContentAsString())
			.isEqualTo("protocol=HTTP/3.0 host=[127.0.0.1:" + server.tlsPort() + "]");
	}

	@Test
	void servletSeesTheSameHostOverHttp11() throws Exception {
		ContentResponse response = clients.http11().newRequest(server.uri("/host/x")).timeout(30, TimeUnit.SECONDS).send();
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_1_1);
		assertThat(response.getContentAsString())
			.isEqualTo("protocol=HTTP/1.1 host=[127.0.0.1:" + server.tlsPort() + "]");
	}

	@Test
	void hostSentByTheClientIsKeptAsItIs() throws Exception {
		ContentResponse response = clients.http3().newRequest(server.uri("/host/x"))
			.headers((headers) -> headers.put(HttpHeader.HOST, "127.0.0.1:" + server.tlsPort()).put("X-Other", "1"))
			.timeout(30, TimeUnit.SECONDS)
			.send();
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getContentAsString())
			.isEqualTo("protocol=HTTP/3.0 host=[127.0.0.1:" + server.tlsPort() + "]");
	}

	static class HostServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.getWriter()
				.print("protocol=" + request.getProtocol() + " host=" + Collections.list(request.getHeaders("Host")));
		}

	}

}
