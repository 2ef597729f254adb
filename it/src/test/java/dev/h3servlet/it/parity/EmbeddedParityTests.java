package dev.h3servlet.it.parity;

import java.net.URI;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.testapp.TestApp;
import org.eclipse.jetty.compression.gzip.GzipCompression;
import org.eclipse.jetty.compression.server.CompressionConfig;
import org.eclipse.jetty.compression.server.CompressionHandler;
import org.eclipse.jetty.ee11.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee11.servlet.ResourceServlet;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.ee11.servlet.SessionHandler;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Parity of the test application embedded, as a plain-Jetty user embeds it: {@code Http3ServletServer}, the app's
 * listener added to its context, and what the Servlet API cannot register done with Jetty's API: a session handler,
 * the error pages, Jetty 12.1's gzip {@link CompressionHandler} for {@code /gzip/*}, and a {@link ResourceServlet} for
 * the app's static file. Runs on both transports.
 */
@Tag(TestTransport.BOTH)
class EmbeddedParityTests extends ParitySuite {

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder.context((context) -> {
		context.setSessionHandler(new SessionHandler());
		context.addEventListener(new TestApp());
		ServletHolder resources = new ServletHolder("static", ResourceServlet.class);
		resources.setInitParameter("baseResource",
				TestApp.class.getResource("/META-INF/resources/static/").toString());
		resources.setInitParameter("dirAllowed", "false");
		resources.setInitParameter("etags", "true");
		context.addServlet(resources, "/static/*");
		ErrorPageErrorHandler errorPages = new ErrorPageErrorHandler();
		errorPages.addErrorPage(404, TestApp.ERROR_PAGE);
		errorPages.addErrorPage(409, TestApp.ERROR_PAGE);
		errorPages.addErrorPage(IllegalStateException.class, TestApp.ERROR_PAGE);
		context.setErrorHandler(errorPages);
		CompressionHandler compression = new CompressionHandler();
		compression.putCompression(new GzipCompression());
		compression.putConfiguration("/gzip/*", CompressionConfig.builder().defaults().build());
		context.insertHandler(compression);
	}));

	@Override
	URI base() {
		return server.uri("/");
	}

	@Override
	String deployment() {
		return "embedded (Http3ServletServer, " + TestTransport.current().id() + " transport)";
	}

}
