package dev.h3servlet.testapp;

import java.util.EnumSet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;

/**
 * The test application: plain servlets, a filter and listeners, registered through the Servlet API alone, so that one
 * app is deployed as each kind of user deploys: embedded ({@code context.addEventListener(new TestApp())}), under
 * Spring Boot (a {@code ServletContextInitializer} calling {@link #register}) and as a WAR on a standalone Jetty (this
 * class is the {@code web.xml}'s listener). Servlets answer with what they saw (parameters, headers, cookies,
 * trailers, body digests) so that differences on the server's side show in the response; none echoes the protocol
 * except the sample's {@link InfoServlet}, {@link PageServlet} and {@link UploadServlet}: the {@link ProtocolLog}
 * records it per request, and {@code /protocols} answers it.
 * <p>
 * What the Servlet API cannot register is the deployment's part: the error page ({@value #ERROR_PAGE}, for 404, 409
 * and {@link IllegalStateException}), gzip for {@code /gzip/*}, and the static file
 * ({@code META-INF/resources/static/hello.txt} of this module's jar).
 */
public class TestApp implements ServletContextListener {

	/** The request header naming one exchange, for the {@link ProtocolLog}. */
	public static final String REQUEST_ID = "X-Parity-Id";

	/** Where the deployment maps its error pages. */
	public static final String ERROR_PAGE = "/error-page";

	@Override
	public void contextInitialized(ServletContextEvent event) {
		register(event.getServletContext());
	}

	/** Registers the app's servlets, filter and listener on a context that is being initialised. */
	public static void register(ServletContext context) {
		ProtocolLog log = new ProtocolLog();
		context.addListener(log);
		servlet(context, new ProtocolLogServlet(log), "/protocols");
		servlet(context, new InfoServlet(), "/info");
		servlet(context, new PageServlet(), "/page");
		servlet(context, new UploadServlet(), "/upload");
		servlet(context, new EchoServlet(), "/echo/*", "/filtered/*");
		servlet(context, new StatusServlet(), "/status");
		servlet(context, new SendErrorServlet(), "/send-error");
		servlet(context, new ThrowingServlet(), "/throw");
		servlet(context, new GetOnlyServlet(), "/get-only");
		servlet(context, new ErrorPageServlet(), ERROR_PAGE);
		servlet(context, new RedirectServlet(), "/redirect/*");
		servlet(context, new CookieServlet(), "/cookies/*");
		servlet(context, new SessionServlet(), "/session");
		servlet(context, new ResponseHeadersServlet(), "/response-headers");
		servlet(context, new BytesServlet(), "/bytes");
		servlet(context, new DigestServlet(), "/digest");
		servlet(context, new StreamServlet(), "/stream");
		servlet(context, new LastModifiedServlet(), "/last-modified");
		servlet(context, new TextServlet(), "/gzip/text");
		servlet(context, new DispatchServlet(), "/dispatch/*");
		servlet(context, new FragmentServlet(), "/fragment");
		servlet(context, new TrailersServlet(), "/trailers");
		servlet(context, new CharsetServlet(), "/charset");
		servlet(context, new ResetServlet(), "/reset");
		servlet(context, new ContentLengthServlet(), "/content-length");
		servlet(context, new ParameterThenStreamServlet(), "/parameter-then-stream");
		servlet(context, new AsyncServlet(), "/async/*").setAsyncSupported(true);
		servlet(context, new NonBlockingEchoServlet(), "/non-blocking").setAsyncSupported(true);
		servlet(context, new SseServlet(), "/sse/*").setAsyncSupported(true);
		servlet(context, new MultipartServlet(), "/multipart")
			.setMultipartConfig(new MultipartConfigElement("", 8 * 1024 * 1024, 16 * 1024 * 1024, 64 * 1024));
		FilterRegistration.Dynamic filter = context.addFilter(MarkingFilter.class.getSimpleName(), new MarkingFilter());
		filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/filtered/*");
	}

	private static ServletRegistration.Dynamic servlet(ServletContext context, HttpServlet servlet, String... paths) {
		ServletRegistration.Dynamic registration = context.addServlet(servlet.getClass().getSimpleName(), servlet);
		registration.addMapping(paths);
		return registration;
	}

}
