package dev.h3servlet.matrix;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sample application of the version matrix: an ordinary Spring MVC application whose build adds the h3servlet
 * starter and sets {@code server.http3.enabled=true}, nothing else. Built once per Spring Boot version (one folder
 * each beside this one), its source compiles unchanged on Boot 3 and Boot 4.
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

	/** What the servlet saw, and the versions the application runs on. */
	@GetMapping(path = "/info", produces = "text/plain")
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
