package dev.h3servlet.servlet;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.Http3SecureRequestCustomizer;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.JettyClients;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Http3SecureRequestCustomizer} takes the place of Jetty's, also where the server was configured with Jetty's
 * (Spring Boot, standalone Jetty): installing HTTP/3 puts it in their place.
 */
@Tag(TestTransport.BOTH)
class Http3SecureRequestCustomizerTests {

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder
		.httpConfiguration((configuration) -> configuration.setCustomizers(List.of(new SecureRequestCustomizer())))
		.servlet("/tls/*", new CipherServlet()));

	@Test
	void installReplacesJettysCustomizerInPlaceWithTheSameSettings() {
		HttpConfiguration configuration = new HttpConfiguration();
		ForwardedRequestCustomizer forwarded = new ForwardedRequestCustomizer();
		SecureRequestCustomizer jetty = new SecureRequestCustomizer(false);
		jetty.setSniRequired(true);
		jetty.setStsMaxAge(3600);
		jetty.setStsIncludeSubDomains(true);
		configuration.addCustomizer(forwarded);
		configuration.addCustomizer(jetty);
		assertThat(Http3SecureRequestCustomizer.install(configuration)).isTrue();
		assertThat(configuration.getCustomizers()).hasSize(2).first().isSameAs(forwarded);
		assertThat(configuration.getCustomizers().get(1)).isInstanceOfSatisfying(Http3SecureRequestCustomizer.class,
				(installed) -> {
					assertThat(installed.isSniHostCheck()).isFalse();
					assertThat(installed.isSniRequired()).isTrue();
					assertThat(installed.getStsMaxAge()).isEqualTo(3600);
					assertThat(installed.isStsIncludeSubDomains()).isTrue();
				});
		assertThat(Http3SecureRequestCustomizer.install(configuration)).isTrue();
		assertThat(configuration.getCustomizers()).hasSize(2);
	}

	@Test
	void installLeavesSubclassesAlone() {
		HttpConfiguration configuration = new HttpConfiguration();
		SecureRequestCustomizer custom = new SecureRequestCustomizer() {
		};
		configuration.addCustomizer(custom);
		assertThat(Http3SecureRequestCustomizer.install(configuration)).isFalse();
		assertThat(configuration.getCustomizers()).containsExactly(custom);
	}

	@Test
	void installingHttp3ReplacesJettysCustomizerOfTheServer() throws Exception {
		HttpClient h3 = JettyClients.http3();
		try {
			ContentResponse response = h3.newRequest(server.uri("/tls/x")).timeout(30, TimeUnit.SECONDS).send();
			assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
			assertThat(response.getContentAsString())
				.isEqualTo("protocol=HTTP/3.0 cipher=" + new Http3SecureRequestCustomizer().getHttp3CipherSuite());
		}
		finally {
			h3.stop();
		}
	}

	static class CipherServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.getWriter()
				.print("protocol=" + request.getProtocol() + " cipher="
						+ request.getAttribute("jakarta.servlet.request.cipher_suite"));
		}

	}

}
