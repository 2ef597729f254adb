package dev.h3servlet.it;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.h3servlet.it.support.ChromiumAssumptions;
import dev.h3servlet.it.support.DemoJarProcess;
import dev.h3servlet.it.support.PageReport;
import dev.h3servlet.servlet.Http3ServletServer;
import dev.h3servlet.test.Chromium;
import dev.h3servlet.test.JettyClients;
import dev.h3servlet.test.TestCertificate;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's WebTransport page, whose script ({@code /webtransport.js}) Chromium runs against the demo jar's
 * {@code @WebTransportEndpoint} beans: the echo (a bidirectional stream, a unidirectional stream each way, a
 * datagram) and five datagrams of the live counter. Headless Chromium dumps a page once virtual time has run out,
 * and WebTransport does not hold virtual time as a fetch does; so the browser loads a page of the test's own server
 * that runs the demo's script from the demo (cross-origin, as a classic script may) and keeps a fetch open until the
 * script has reported.
 */
@Timeout(180)
class DemoWebTransportTests {

	private static final PageReport report = new PageReport();

	@Test
	void chromiumRunsTheDemosWebTransportPageScript(@TempDir Path directory) throws Exception {
		ChromiumAssumptions.assumeInstalled();
		TestCertificate certificate = TestCertificate.create(directory);
		DemoJarProcess demo = DemoJarProcess.start(Path.of(System.getProperty("java.home")), List.of(), directory,
				Stream.concat(Stream.of("--server.port=0", "--server.address=127.0.0.1"),
						certificate.springBootArguments().stream())
					.toList());
		Server pages = null;
		try {
			String base = "https://127.0.0.1:" + demo.port();
			HttpClient client = JettyClients.http3();
			try {
				ContentResponse page = client.newRequest(base + "/webtransport.html")
					.timeout(30, TimeUnit.SECONDS)
					.send();
				assertThat(page.getVersion()).isEqualTo(HttpVersion.HTTP_3);
				assertThat(page.getContentAsString()).contains("<script src=\"/webtransport.js\">",
						"h3demo.echo(location.origin)", "h3demo.counter(location.origin");
			}
			finally {
				client.stop();
			}
			pages = Http3ServletServer.builder()
				.keyStore(certificate.keyStore(), certificate.password())
				.host("127.0.0.1")
				.port(0)
				.servlet("/page", new PageServlet(base))
				.servlet("/report", report.reportServlet())
				.servlet("/hold", report.holdServlet())
				.start();
			URI page = URI.create(
					"https://127.0.0.1:" + Http3ServletServer.tlsConnector(pages).getLocalPort() + "/page");
			Chromium.Result result = Chromium.forceQuicOn(page)
				.trustSpki(certificate.spkiSha256Base64())
				.virtualTimeBudget(Duration.ofSeconds(5))
				.dumpDom(page, Path.of("target", "chromium", "demo-webtransport"));
			String reported = report.await(Duration.ofSeconds(30));
			assertThat(reported).as(result.describe())
				.startsWith("echo=bidi=hello bidi;datagram=hello datagram;uni=hello uni;counter=");
			List<Long> counter = Stream.of(reported.substring(reported.indexOf("counter=") + 8).split(","))
				.map(Long::valueOf)
				.toList();
			assertThat(counter).hasSize(5).isSorted().doesNotHaveDuplicates();
		}
		finally {
			if (pages != null) {
				pages.stop();
			}
			demo.close();
		}
	}

	/** Runs the demo's script against the demo, then reports. */
	static final class PageServlet extends HttpServlet {

		private final String demo;

		PageServlet(String demo) {
			this.demo = demo;
		}

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/html;charset=utf-8");
			response.getWriter().print("""
					<!DOCTYPE html><html><head><title>demo WebTransport</title><link rel="icon" href="data:,">
					<script src="%1$s/webtransport.js"></script></head><body><div id="result">pending</div><script>
					const hold = fetch('/hold');
					(async () => {
					  let result;
					  try {
					    result = 'echo=' + await h3demo.echo('%1$s') + ';counter='
					      + (await h3demo.counter('%1$s', 5)).join(',');
					  } catch (e) {
					    result = 'error=' + e;
					  }
					  document.getElementById('result').textContent = result;
					  await fetch('/report?r=' + encodeURIComponent(result));
					  await hold;
					})();
					</script></body></html>
					""".formatted(this.demo));
		}

	}

}
