package dev.h3servlet.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.connector.webtransport.WebTransportHandler;
import dev.h3servlet.connector.webtransport.WebTransportSession;
import dev.h3servlet.connector.webtransport.WebTransportStream;
import dev.h3servlet.it.support.ChromiumAssumptions;
import dev.h3servlet.it.support.PageReport;
import dev.h3servlet.servlet.WebTransportServlet;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.Chromium;
import dev.h3servlet.test.JettyClientsExtension;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebTransport (draft-02) from headless Chromium's {@code new WebTransport(url)} to a {@link WebTransportServlet} on
 * the netty transport: a bidirectional stream echoed (blocking streams), a unidirectional stream each way (the server's
 * opened and written without blocking), a datagram echoed, and the
 * client's close (code and reason) seen by the server. The page reports what the browser got; the endpoint records
 * what the server saw, including that the CONNECT passed the app's filter and reached the servlet as HTTP/3.
 */
@Timeout(120)
class WebTransportChromiumTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	/** What the endpoint saw, in order. */
	private static final Queue<String> serverSaw = new ConcurrentLinkedQueue<>();

	private static final PageReport report = new PageReport();

	private static final CountDownLatch closed = new CountDownLatch(1);

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder
		.http3(TestTransport.settings().webTransportEnabled(true).build())
		.filter("/echo", (Filter) (request, response, chain) -> {
			request.setAttribute("filtered", "yes");
			chain.doFilter(request, response);
		})
		.servlet("/echo", new WebTransportServlet((request) -> {
			serverSaw.add("connect " + request.getMethod() + " " + request.getProtocol() + " filtered="
					+ request.getAttribute("filtered") + " origin=" + request.getHeader("origin"));
			return new EchoEndpoint();
		}))
		.servlet("/page", new PageServlet())
		.servlet("/report", report.reportServlet())
		.servlet("/hold", report.holdServlet()));

	@BeforeEach
	void chromium() {
		ChromiumAssumptions.assumeInstalled();
	}

	@Test
	void chromiumEchoesOverStreamsAndDatagramsAndClosesTheSession(TestInfo test) throws Exception {
		URI page = server.uri("/page");
		Chromium.Result result = Chromium.forceQuicOn(page)
			.trustSpki(server.certificate().spkiSha256Base64())
			.virtualTimeBudget(Duration.ofSeconds(5))
			.dumpDom(page, Path.of("target", "chromium", "webtransport"));
		String reported = report.await(Duration.ofSeconds(30));
		assertThat(reported).as(result.describe())
			.isEqualTo("ready;bidi=hello bidi;datagram=hello datagram;uni=hello uni;closed=7 done");
		assertThat(closed.await(10, TimeUnit.SECONDS)).as("the server saw the session close").isTrue();
		String origin = "https://127.0.0.1:" + page.getPort();
		assertThat(serverSaw).containsExactly("connect CONNECT HTTP/3.0 filtered=yes origin=" + origin,
				"open /echo filtered=yes origin=" + origin, "stream bidirectional: hello bidi", "datagram: hello datagram",
				"stream unidirectional: hello uni", "close 7 done");
	}

	@Test
	void anotherRequestToTheEndpointIsRefused() throws Exception {
		ContentResponse response = clients.http2()
			.newRequest(server.uri("/echo"))
			.timeout(30, TimeUnit.SECONDS)
			.send();
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_2);
		assertThat(response.getStatus()).isEqualTo(400);
		assertThat(response.getContentAsString()).contains("A WebTransport endpoint");
	}

	/** Echoes every stream and datagram; a unidirectional stream comes back on one the server opens. */
	static final class EchoEndpoint implements WebTransportHandler {

		@Override
		public void onOpen(WebTransportSession session) {
			serverSaw.add("open " + session.path() + " filtered=" + session.handshake().attributes().get("filtered")
					+ " origin=" + session.handshake().header("Origin"));
		}

		@Override
		public void onStream(WebTransportSession session, WebTransportStream stream) throws IOException {
			byte[] received = readAll(stream.getInputStream());
			String text = new String(received, StandardCharsets.UTF_8);
			serverSaw.add("stream " + (stream.isBidirectional() ? "bidirectional" : "unidirectional") + ": " + text);
			if (stream.isBidirectional()) {
				try (OutputStream out = stream.getOutputStream()) {
					out.write(received);
				}
				return;
			}
			// A unidirectional stream goes back through the non-blocking API: opened, written and ended by futures.
			session.openUnidirectionalStreamAsync()
				.thenCompose((back) -> back.write(ByteBuffer.wrap(received)).thenCompose((written) -> back.endOutput()))
				.whenComplete((ended, failure) -> {
					if (failure != null) {
						serverSaw.add("uni back failed: " + failure);
					}
				});
		}

		@Override
		public void onDatagram(WebTransportSession session, ByteBuffer datagram) {
			serverSaw.add("datagram: " + StandardCharsets.UTF_8.decode(datagram.duplicate()));
			session.sendDatagram(datagram);
		}

		@Override
		public void onClose(WebTransportSession session, long code, String reason) {
			serverSaw.add("close " + code + " " + reason);
			closed.countDown();
		}

		private static byte[] readAll(InputStream in) throws IOException {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			in.transferTo(out);
			return out.toByteArray();
		}

	}

	/** Opens a session, echoes over a bidirectional stream, a datagram and unidirectional streams, closes it. */
	static final class PageServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/html;charset=utf-8");
			response.getWriter().print("""
					<!DOCTYPE html><html><head><title>WebTransport</title><link rel="icon" href="data:,"></head>
					<body><div id="result">pending</div><script>
					const enc = (s) => new TextEncoder().encode(s);
					const dec = (b) => new TextDecoder().decode(b);
					const results = [];
					const hold = fetch('/hold');
					(async () => {
					  try {
					    const wt = new WebTransport(location.origin + '/echo');
					    await wt.ready;
					    results.push('ready');
					    const bidi = await wt.createBidirectionalStream();
					    const writer = bidi.writable.getWriter();
					    await writer.write(enc('hello bidi'));
					    await writer.close();
					    results.push('bidi=' + await new Response(bidi.readable).text());
					    const datagrams = wt.datagrams.readable.getReader();
					    await wt.datagrams.writable.getWriter().write(enc('hello datagram'));
					    const datagram = await Promise.race([datagrams.read(),
					      new Promise((resolve) => setTimeout(() => resolve({ value: enc('none in 5 s') }), 5000))]);
					    results.push('datagram=' + dec(datagram.value));
					    const uni = await wt.createUnidirectionalStream();
					    const uniWriter = uni.getWriter();
					    await uniWriter.write(enc('hello uni'));
					    await uniWriter.close();
					    const incoming = await wt.incomingUnidirectionalStreams.getReader().read();
					    results.push('uni=' + await new Response(incoming.value).text());
					    wt.close({ closeCode: 7, reason: 'done' });
					    const info = await wt.closed;
					    results.push('closed=' + info.closeCode + ' ' + info.reason);
					  } catch (e) {
					    results.push('error=' + e);
					  }
					  document.getElementById('result').textContent = results.join(';');
					  await fetch('/report?r=' + encodeURIComponent(results.join(';')));
					  await hold;
					})();
					</script></body></html>
					""");
		}

	}

}
