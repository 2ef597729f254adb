package dev.h3servlet.servlet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.JettyClientsExtension;
import dev.h3servlet.test.TestCertificate;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Http3ServletServer.Builder.server(..)}: customizers see the built server before it starts, in the order
 * given, and what they change (the thread pool, a handler around the HTTP/3 bridge) serves HTTP/3 requests; and
 * {@code withoutHttp3()}, the same server with HTTP/1.1 and HTTP/2 only.
 */
@Tag(TestTransport.BOTH)
class ServerCustomizerTests {

	static final List<String> customized = new CopyOnWriteArrayList<>();

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder
		.servlet("/thread", new ThreadServlet())
		.server((built) -> customized.add("first: started=" + built.isStarted()))
		.server((built) -> {
			((QueuedThreadPool) built.getThreadPool()).setName("customized");
			built.setHandler(new HealthHandler(built.getHandler()));
			customized.add("second: has an HTTP/3 connector=" + (Http3ServletServer.http3Connector(built) != null));
		}));

	@Test
	void customizersRunInOrderOnTheBuiltServerBeforeItStarts() {
		// A start retried on another port number runs them again: the last attempt's pair is the started server's.
		assertThat(customized.subList(customized.size() - 2, customized.size())).containsExactly(
				"first: started=false", "second: has an HTTP/3 connector=true");
	}

	@Test
	void aHandlerAroundTheBridgeAnswersFirstAndPassesTheRestOn() throws Exception {
		ContentResponse health = clients.http3().newRequest(server.uri("/health")).timeout(30, TimeUnit.SECONDS).send();
		assertThat(health.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(health.getContentAsString()).isEqualTo("healthy over HTTP/3.0");
		ContentResponse thread = clients.http3().newRequest(server.uri("/thread")).timeout(30, TimeUnit.SECONDS).send();
		assertThat(thread.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(thread.getContentAsString()).startsWith("HTTP/3.0 on customized-");
	}

	@Test
	void withoutHttp3TheServerHasNoHttp3ConnectorAndAdvertisesNone(@TempDir Path directory) throws Exception {
		TestCertificate certificate = TestCertificate.create(directory);
		Server plain = Http3ServletServer.builder()
			.keyStore(certificate.keyStore(), certificate.password())
			.host("127.0.0.1")
			.port(0)
			.servlet("/thread", new ThreadServlet())
			.withoutHttp3()
			.start();
		try {
			assertThat(plain.getContainedBeans(Http3Connector.class)).isEmpty();
			ContentResponse response = clients.http2()
				.newRequest("https://127.0.0.1:" + Http3ServletServer.tlsConnector(plain).getLocalPort() + "/thread")
				.timeout(30, TimeUnit.SECONDS)
				.send();
			assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_2);
			assertThat(response.getContentAsString()).startsWith("HTTP/2.0 on ");
			assertThat(response.getHeaders().get(HttpHeader.ALT_SVC)).isNull();
		}
		finally {
			plain.stop();
		}
	}

	static final class HealthHandler extends Handler.Wrapper {

		HealthHandler(Handler handler) {
			super(handler);
		}

		@Override
		public boolean handle(Request request, Response response, Callback callback) throws Exception {
			if (!Request.getPathInContext(request).equals("/health")) {
				return super.handle(request, response, callback);
			}
			Content.Sink.write(response, true,
					"healthy over " + request.getConnectionMetaData().getHttpVersion().asString(), callback);
			return true;
		}

	}

	static final class ThreadServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.getWriter().print(request.getProtocol() + " on " + Thread.currentThread().getName());
		}

	}

}
