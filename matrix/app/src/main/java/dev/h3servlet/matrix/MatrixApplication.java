package dev.h3servlet.matrix;

import dev.h3servlet.testapp.TestApp;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/**
 * The sample application of the version matrix: an ordinary Spring MVC application whose build adds the h3servlet
 * starter and sets {@code server.http3.enabled=true}. Built once per Spring Boot version (one folder each beside this
 * one), its source compiles unchanged on Boot 3 and Boot 4. Beside its own two endpoints it registers the test
 * application's servlets ({@code test-app/}) as a Boot user registers plain servlets, for the parity suite under Boot.
 */
@SpringBootApplication
@RestController
public class MatrixApplication {

	public static void main(String[] args) {
		SpringApplication.run(MatrixApplication.class, args);
	}

	/** One line the tests wait for, with the port Boot chose. */
	@EventListener
	void ready(ApplicationReadyEvent event) {
		Environment environment = event.getApplicationContext().getEnvironment();
		System.out.println("h3servlet matrix app ready: port=" + environment.getProperty("local.server.port"));
	}

	/** The test application's servlets, filter and listener, through the Servlet API. */
	@Bean
	ServletContextInitializer testApplication() {
		return TestApp::register;
	}

	/** ETags for the static file (Spring MVC serves it from the test application's {@code META-INF/resources}). */
	@Bean
	FilterRegistrationBean<ShallowEtagHeaderFilter> staticFileEtags() {
		FilterRegistrationBean<ShallowEtagHeaderFilter> registration = new FilterRegistrationBean<>(
				new ShallowEtagHeaderFilter());
		registration.addUrlPatterns("/static/*");
		return registration;
	}

	/** What the servlet saw, and the versions the application runs on. */
	@GetMapping(path = "/versions", produces = "text/plain")
	String info(HttpServletRequest request) {
		return "protocol=" + request.getProtocol() + " secure=" + request.isSecure() + " boot="
				+ SpringBootVersion.getVersion() + " jetty=" + org.eclipse.jetty.util.Jetty.VERSION + " netty="
				+ io.netty.util.Version.identify().get("netty-common").artifactVersion() + " servlet="
				+ request.getServletContext().getMajorVersion() + "." + request.getServletContext().getMinorVersion();
	}

	/** A page whose script reports the protocol the browser used. */
	@GetMapping(path = "/", produces = "text/html")
	String page(HttpServletRequest request) {
		return """
				<!doctype html><html><head><title>h3servlet matrix</title></head><body>
				<p>Browser: <b id="browser">?</b>; servlet: <b id="server">%s</b>; Spring Boot <b id="boot">%s</b></p>
				<script>
				document.getElementById('browser').textContent =
					performance.getEntriesByType('navigation')[0].nextHopProtocol;
				</script>
				</body></html>
				""".formatted(request.getProtocol(), SpringBootVersion.getVersion());
	}

}
