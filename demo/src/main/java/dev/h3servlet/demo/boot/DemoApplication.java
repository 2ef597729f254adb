package dev.h3servlet.demo.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The h3servlet demo: an ordinary Spring MVC application (a page, a JSON endpoint, a form backed by the HTTP
 * session and a file upload) served over HTTP/1.1, HTTP/2 and HTTP/3 on one port number by the embedded Jetty, with
 * the h3servlet starter and {@code server.http3.enabled=true} in {@code application.properties}.
 * <p>
 * On first run it makes a self-signed development certificate (see
 * {@link DevelopmentCertificateEnvironmentPostProcessor}); once started it prints the URL and the Chromium command
 * that opens it over HTTP/3 (see {@link ChromiumCommandPrinter}).
 */
@SpringBootApplication(proxyBeanMethods = false)
public class DemoApplication {

	public static void main(String[] args) {
		SpringApplication.run(DemoApplication.class, args);
	}

}
