package dev.h3servlet.servlet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.RawHttp3Client;
import dev.h3servlet.test.RawHttp3ClientExtension;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http3.api.Session;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request body that disagrees with its Content-Length is malformed in HTTP/3 (RFC 9114 4.1.2). On the jetty-quiche
 * transport Jetty 12.1.5 hands it to the servlet short or long, and the bridge ({@link ContentLengthCheck}) fails the
 * read with a 400 instead; on the netty transport Netty's codec resets the stream with H3_MESSAGE_ERROR (0x10e) as soon
 * as it sees the mismatch, or the bridge answers 400 when the servlet reads first. Either way the servlet never reads a
 * body of the wrong length.
 */
@Tag(TestTransport.BOTH)
class ContentLengthTests {

	static final Queue<String> reads = new ConcurrentLinkedQueue<>();

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension(
			(builder) -> builder.servlet("/echo", new EchoServlet()));

	@RegisterExtension
	static final RawHttp3ClientExtension client = new RawHttp3ClientExtension();

	/** Tells one case's reads from a late read of the case before (a servlet still reading after a reset). */
	static final AtomicInteger cases = new AtomicInteger();

	@ParameterizedTest
	@CsvSource({ "10,short,400", "5,much longer body,400", "5,exact,200", "0,'',200" })
	void bodyIsReadOnlyWhenItMatchesTheContentLength(long contentLength, String body, int status) throws Exception {
		Session.Client session = client.connect(server.http3Port(), new Session.Client.Listener() {
		});
		HttpFields fields = HttpFields.build().put("content-length", String.valueOf(contentLength));
		String id = String.valueOf(cases.incrementAndGet());
		RawHttp3Client.Exchange exchange = RawHttp3Client.request(session, "POST", server.uri("/echo?case=" + id),
				fields, false);
		exchange.sendData(body.getBytes(StandardCharsets.UTF_8), true);
		Object outcome = CompletableFuture.anyOf(exchange.head, exchange.failure).get(30, TimeUnit.SECONDS);
		if (status != 200 && outcome instanceof Long) {
			// Netty's codec checks the length itself and resets the stream, as RFC 9114 4.1.2 says, before a response.
			// (Jetty's client reports every reset as H3_REQUEST_CANCELLED; the hostile suite reads the real code.)
			assertThat(TestTransport.current()).isEqualTo(Http3Transport.NETTY);
			assertThat(exchange.head).isNotDone();
			assertThat(reads(id)).noneMatch((read) -> read.startsWith("read "));
			return;
		}
		assertThat(outcome).isInstanceOf(MetaData.Response.class);
		assertThat(((MetaData.Response) outcome).getStatus()).isEqualTo(status);
		if (status == 200) {
			assertThat(exchange.body.get(30, TimeUnit.SECONDS)).isEqualTo("HTTP/3.0 read " + body);
			assertThat(reads(id)).containsExactly("read " + body.length());
		}
		else {
			assertThat(reads(id)).noneMatch((read) -> read.startsWith("read "));
		}
	}

	private static List<String> reads(String id) {
		return reads.stream()
			.filter((read) -> read.startsWith(id + " "))
			.map((read) -> read.substring(id.length() + 1))
			.toList();
	}

	static class EchoServlet extends HttpServlet {

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			byte[] body;
			try {
				body = request.getInputStream().readAllBytes();
			}
			catch (IOException ex) {
				reads.add(request.getParameter("case") + " failed " + ex);
				throw ex;
			}
			reads.add(request.getParameter("case") + " read " + body.length);
			response.setContentType("text/plain");
			response.getWriter()
				.print(request.getProtocol() + " read " + new String(body, StandardCharsets.UTF_8));
		}

	}

}
