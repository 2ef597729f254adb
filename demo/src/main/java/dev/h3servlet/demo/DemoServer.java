package dev.h3servlet.demo;

import java.io.IOException;
import java.nio.file.Path;

import dev.h3servlet.development.DevelopmentCertificate;
import dev.h3servlet.servlet.Http3ServletServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Server;

/**
 * A plain-Java demo (no Spring): an unchanged servlet answering over HTTP/1.1, HTTP/2 and HTTP/3 on one port
 * number. On first run it creates a self-signed development certificate and prints the Chromium command that
 * trusts it and forces QUIC.
 * <p>
 * Settings (system properties): {@code port} (default 8443), {@code keystore} (default
 * {@code target/dev-cert/h3servlet-dev.p12}, created if missing), {@code keystore.password}.
 */
public final class DemoServer {

	private DemoServer() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.getInteger("port", 8443);
		Path keyStore = Path.of(System.getProperty("keystore", "target/dev-cert/h3servlet-dev.p12"));
		String password = System.getProperty("keystore.password", "h3servlet-dev");
		DevelopmentCertificate certificate = DevelopmentCertificate.loadOrCreate(keyStore, password, "CN=localhost",
				30);
		Server server = Http3ServletServer.builder()
			.keyStore(certificate.keyStore(), certificate.password())
			.port(port)
			.servlet("/", new PageServlet())
			.start();
		int actualPort = Http3ServletServer.tlsConnector(server).getLocalPort();
		String url = "https://localhost:" + actualPort + "/";
		System.out.println();
		System.out.println("h3servlet demo: " + url + " (HTTP/1.1 + HTTP/2 over TCP, HTTP/3 over UDP, same port)");
		System.out.println("See it over HTTP/3 in Chromium:");
		System.out.println("  chromium --user-data-dir=$(mktemp -d) --origin-to-force-quic-on=localhost:" + actualPort
				+ " --ignore-certificate-errors-spki-list=" + certificate.spkiSha256Base64() + " " + url);
		System.out.println("Press Ctrl+C to stop.");
		server.setStopAtShutdown(true);
		server.join();
	}

	/** The page: the protocol the servlet saw, and the one the browser's own timing API reports. */
	static final class PageServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/html;charset=utf-8");
			response.getWriter().print("""
					<!doctype html>
					<html><head><title>h3servlet demo</title></head>
					<body>
					<h1>h3servlet demo</h1>
					<p>The servlet saw <b id="server">%s</b> from %s:%d.</p>
					<p>The browser's <code>nextHopProtocol</code> reads <b id="browser">?</b>.</p>
					<script>
					document.getElementById('browser').textContent =
					    performance.getEntriesByType('navigation')[0].nextHopProtocol;
					</script>
					</body></html>
					""".formatted(request.getProtocol(), request.getRemoteAddr(), request.getRemotePort()));
		}

	}

}
