package dev.h3servlet.servlet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.JettyClientsExtension;
import dev.h3servlet.test.RawHttp3Client;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http3.api.Session;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an unchanged servlet sees of the request, over each protocol, and where HTTP/3 is advertised.
 */
@Tag(TestTransport.BOTH)
class ProtocolTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension(
			(builder) -> builder.servlet("/info/*", new InfoServlet()));

	@Test
	void servletSeesHttp3() throws Exception {
		ContentResponse response = clients.http3().newRequest(server.uri("/info/x?a=1"))
			.timeout(30, TimeUnit.SECONDS)
			.send();
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentAsString()).contains("protocol=HTTP/3.0")
			.contains("secure=true")
			.contains("scheme=https")
			.contains("serverName=127.0.0.1")
			.contains("serverPort=" + server.tlsPort())
			.contains("remoteAddr=127.0.0.1");
	}

	@Test
	void servletSeesTheQuicPeerAsRemoteAddressAndPort() throws Exception {
		try (RawHttp3Client raw = RawHttp3Client.start()) {
			Session.Client session = raw.connect(server.http3Port(), new Session.Client.Listener() {
			});
			InetSocketAddress local = (InetSocketAddress) session.getLocalSocketAddress();
			RawHttp3Client.Exchange exchange = RawHttp3Client.request(session, "GET", server.uri("/info/x"), true);
			assertThat(exchange.head.get(30, TimeUnit.SECONDS).getHttpVersion()).isEqualTo(HttpVersion.HTTP_3);
			assertThat(exchange.body.get(30, TimeUnit.SECONDS)).contains("protocol=HTTP/3.0")
				// The client's UDP socket is bound to the wildcard address: the server sees loopback.
				.contains("remoteAddr=127.0.0.1")
				.contains("remotePort=" + local.getPort());
		}
	}

	@Test
	void http3SitsOnTheSamePortNumberAsTls() {
		assertThat(server.http3Port()).isEqualTo(server.tlsPort());
	}

	@Test
	void http2ResponseAdvertisesHttp3() throws Exception {
		ContentResponse response = clients.http2().newRequest(server.uri("/info/x")).timeout(30, TimeUnit.SECONDS).send();
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_2);
		assertThat(response.getContentAsString()).contains("protocol=HTTP/2.0");
		assertThat(response.getHeaders().getValuesList("Alt-Svc"))
			.containsExactly("h3=\":" + server.http3Port() + "\"; ma=86400");
	}

	@Test
	void http11ResponseAdvertisesHttp3() throws Exception {
		ContentResponse response = clients.http11().newRequest(server.uri("/info/x")).timeout(30, TimeUnit.SECONDS).send();
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_1_1);
		assertThat(response.getContentAsString()).contains("protocol=HTTP/1.1");
		assertThat(response.getHeaders().getValuesList("Alt-Svc"))
			.containsExactly("h3=\":" + server.http3Port() + "\"; ma=86400");
	}

	@Test
	void http3ResponseDoesNotAdvertiseHttp3() throws Exception {
		ContentResponse response = clients.http3().newRequest(server.uri("/info/x")).timeout(30, TimeUnit.SECONDS).send();
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getContentAsString()).contains("protocol=HTTP/3.0");
		assertThat(response.getHeaders().contains("Alt-Svc")).isFalse();
	}

	static class InfoServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/plain");
			response.getWriter()
				.printf("protocol=%s%nsecure=%s%nscheme=%s%nserverName=%s%nserverPort=%d%nremoteAddr=%s%n"
						+ "remotePort=%d%n", request.getProtocol(), request.isSecure(), request.getScheme(),
						request.getServerName(), request.getServerPort(), request.getRemoteAddr(),
						request.getRemotePort());
		}

	}

}
