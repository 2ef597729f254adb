package dev.h3servlet.it;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.it.support.ChromiumAssumptions;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.Chromium;
import dev.h3servlet.testapp.UploadServlet;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real browser that shares no code with Jetty (Chromium, headless, as its own process) loads servlet pages over
 * HTTP/3. Both ends must agree: the page's script reads the protocol from the browser's navigation and resource
 * timing ({@code nextHopProtocol} is {@code h3}) and the servlets saw {@code HTTP/3.0} for every request.
 */
@Timeout(120)
@Tag(TestTransport.BOTH)
class ChromiumHttp3Tests {

	/** Larger than one QUIC packet and than the initial stream flow-control windows, and odd. */
	private static final int UPLOAD_SIZE = 1_000_003;

	/** {@code "METHOD /path PROTOCOL"} for every request the servlets saw, in order. */
	private static final Queue<String> requests = new ConcurrentLinkedQueue<>();

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder
		.filter("/*", new RecordingFilter())
		.servlet("/page", new PageServlet())
		.servlet("/upload", new UploadPageServlet())
		.servlet("/echo", new UploadServlet()));

	@BeforeEach
	void clearRequests() {
		ChromiumAssumptions.assumeInstalled();
		requests.clear();
	}

	@Test
	void pageLoadsOverHttp3(TestInfo test) throws Exception {
		Chromium.Result result = load("/page", test);
		assertThat(result.textOf("proto")).as(result.describe()).isEqualTo("h3");
		assertThat(result.textOf("servlet")).as(result.describe()).isEqualTo("HTTP/3.0");
		assertThat(requests).contains("GET /page HTTP/3.0").allMatch((request) -> request.endsWith(" HTTP/3.0"));
	}

	@Test
	void fetchPostsBodyOverHttp3(TestInfo test) throws Exception {
		Chromium.Result result = load("/upload", test);
		String expected = "length=" + UPLOAD_SIZE + " sha256=" + sha256Hex(uploadBody()) + " protocol=HTTP/3.0";
		assertThat(result.textOf("proto")).as(result.describe()).isEqualTo("h3");
		assertThat(result.textOf("echo")).as(result.describe()).isEqualTo(expected);
		assertThat(result.textOf("fetchProto")).as(result.describe()).isEqualTo("h3");
		assertThat(requests).contains("GET /upload HTTP/3.0", "POST /echo HTTP/3.0")
			.allMatch((request) -> request.endsWith(" HTTP/3.0"));
	}

	private Chromium.Result load(String path, TestInfo test) throws Exception {
		String name = test.getTestMethod().orElseThrow().getName();
		return Chromium.forceQuicOn(server.uri(path))
			.trustSpki(server.certificate().spkiSha256Base64())
			.netLog(true)
			.dumpDom(server.uri(path), Path.of("target", "chromium", name));
	}

	/** The bytes the upload page's script posts: {@code (i * 31 + 7) % 251}. */
	private static byte[] uploadBody() {
		byte[] body = new byte[UPLOAD_SIZE];
		for (int i = 0; i < body.length; i++) {
			body[i] = (byte) ((i * 31 + 7) % 251);
		}
		return body;
	}

	private static String sha256Hex(byte[] bytes) throws NoSuchAlgorithmException {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

	private static void writeHtml(HttpServletResponse response, String body) throws IOException {
		response.setContentType("text/html;charset=utf-8");
		response.setHeader("Cache-Control", "no-store");
		response.getWriter().print("<!DOCTYPE html><html><head><title>h3servlet</title>"
				+ "<link rel=\"icon\" href=\"data:,\"></head><body>" + body + "</body></html>");
	}

	static class RecordingFilter extends HttpFilter {

		@Override
		protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws IOException, ServletException {
			requests.add(request.getMethod() + " " + request.getRequestURI() + " " + request.getProtocol());
			chain.doFilter(request, response);
		}

	}

	/** The protocol as the servlet and as the browser saw it. */
	static class PageServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			writeHtml(response, "<div id=\"servlet\">" + request.getProtocol() + "</div><div id=\"proto\"></div>"
					+ "<script>document.getElementById('proto').textContent = "
					+ "performance.getEntriesByType('navigation')[0].nextHopProtocol;</script>");
		}

	}

	/** Posts {@link #uploadBody()}, generated in the browser, to {@link UploadServlet} and shows its answer. */
	static class UploadPageServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			writeHtml(response, """
					<div id="proto"></div><div id="echo">pending</div><div id="fetchProto"></div>
					<script>
					document.getElementById('proto').textContent =
						performance.getEntriesByType('navigation')[0].nextHopProtocol;
					const body = new Uint8Array(%d);
					for (let i = 0; i < body.length; i++) {
						body[i] = (i * 31 + 7) %% 251;
					}
					fetch('/echo', { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body })
						.then((response) => response.text().then((text) => {
							document.getElementById('echo').textContent = text;
							const timing = performance.getEntriesByName(response.url)[0];
							document.getElementById('fetchProto').textContent =
								timing ? timing.nextHopProtocol : 'no resource timing entry';
						}))
						.catch((error) => document.getElementById('echo').textContent = 'failed: ' + error);
					</script>
					""".formatted(UPLOAD_SIZE));
		}

	}

}
