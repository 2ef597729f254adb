package dev.h3servlet.servlet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.JettyClientsExtension;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request trailers ({@code getTrailerFields()}) and response trailers ({@code setTrailerFields(..)}) over HTTP/3, as
 * over HTTP/2.
 */
@Tag(TestTransport.BOTH)
class TrailersTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension(
			(builder) -> builder.servlet("/trailers/*", new TrailersServlet()));

	@Test
	void servletReadsRequestTrailersOverHttp3() throws Exception {
		ContentResponse response = sendWithTrailers(clients.http3());
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentAsString()).isEqualTo(
				"protocol=HTTP/3.0 body=hello trailers over h3 ready-after=true trailers={x-checksum=abc123}");
	}

	@Test
	void servletReadsRequestTrailersOverHttp2Alike() throws Exception {
		ContentResponse response = sendWithTrailers(clients.http2());
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_2);
		assertThat(response.getContentAsString()).isEqualTo(
				"protocol=HTTP/2.0 body=hello trailers over h3 ready-after=true trailers={x-checksum=abc123}");
	}

	@Test
	void clientReceivesResponseTrailersOverHttp3() throws Exception {
		ContentResponse response = clients.http3().newRequest(server.uri("/trailers/x")).timeout(30, TimeUnit.SECONDS).send();
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentAsString()).isEqualTo("protocol=HTTP/3.0 body before trailers");
		assertThat(response.getTrailers()).isNotNull();
		assertThat(response.getTrailers().get("X-Digest")).isEqualTo("sha-256=xyz");
		assertThat(response.getTrailers().get("X-Status")).isEqualTo("complete");
	}

	private static ContentResponse sendWithTrailers(HttpClient client) throws Exception {
		byte[] body = "hello trailers over h3".getBytes(StandardCharsets.UTF_8);
		// An InputStream has no known length: the body goes without Content-Length.
		return client.POST(server.uri("/trailers/x"))
			.body(new InputStreamRequestContent(new ByteArrayInputStream(body)))
			.trailersSupplier(() -> HttpFields.build().put("X-Checksum", "abc123"))
			.timeout(30, TimeUnit.SECONDS)
			.send();
	}

	static class TrailersServlet extends HttpServlet {

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			boolean readyAfter = request.isTrailerFieldsReady();
			Map<String, String> trailers = request.getTrailerFields();
			response.setContentType("text/plain");
			response.getWriter()
				.print("protocol=" + request.getProtocol() + " body=" + body
						+ " ready-after=" + readyAfter + " trailers=" + trailers);
		}

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setTrailerFields(() -> Map.of("X-Digest", "sha-256=xyz", "X-Status", "complete"));
			response.setContentType("text/plain");
			response.getWriter().print("protocol=" + request.getProtocol() + " body before trailers");
		}

	}

}
