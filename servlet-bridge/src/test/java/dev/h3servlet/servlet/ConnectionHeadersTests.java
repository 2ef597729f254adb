package dev.h3servlet.servlet;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.JettyClientsExtension;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection-specific headers that an old servlet sets, which HTTP/3 forbids (RFC 9114 section 4.2). Jetty 12.1.5's
 * QPACK encoder leaves them off the wire ({@code Http3Fields} ignores Connection, Keep-Alive, Proxy-Connection,
 * Transfer-Encoding, Upgrade and the fields Connection names), as HPACK does for HTTP/2, so the servlet still sees
 * them on its response, as over HTTP/2. The Jetty client's QPACK decoder would reject a response carrying them;
 * these tests fail if a Jetty upgrade stops filtering.
 */
@Tag(TestTransport.BOTH)
class ConnectionHeadersTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension(
			(builder) -> builder.servlet("/set/*", new SetHeaderServlet()));

	@ParameterizedTest
	@CsvSource({ "Connection,keep-alive", "Keep-Alive,timeout=5", "Transfer-Encoding,chunked", "Upgrade,websocket",
			"Proxy-Connection,keep-alive" })
	void forbiddenHeaderIsDroppedAndTheResponseArrives(String name, String value) throws Exception {
		ContentResponse response = clients.http3().newRequest(server.uri("/set/x"))
			.param("name", name)
			.param("value", value)
			.timeout(30, TimeUnit.SECONDS)
			.send();
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentAsString()).isEqualTo("protocol=HTTP/3.0 body");
		assertThat(response.getHeaders().contains(name)).isFalse();
	}

	static class SetHeaderServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setHeader(request.getParameter("name"), request.getParameter("value"));
			response.setContentType("text/plain");
			response.getWriter().print("protocol=" + request.getProtocol() + " body");
		}

	}

}
