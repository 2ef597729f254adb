package dev.h3servlet.it.parity;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import dev.h3servlet.testapp.DeterministicBytes;
import dev.h3servlet.testapp.SseServlet;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.FormRequestContent;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.MultiPartRequestContent;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.util.Fields;

import static org.eclipse.jetty.http.HttpMethod.GET;
import static org.eclipse.jetty.http.HttpMethod.HEAD;
import static org.eclipse.jetty.http.HttpMethod.POST;

/**
 * The servlet behaviours compared over HTTP/1.1, HTTP/2 and HTTP/3 (served by the test application, {@code test-app/}). Besides the
 * comparison, a case may {@link CaseRun#require require} what it is about, so that three equally broken runs do not
 * pass as parity.
 */
final class ParityCatalogue {

	static final int LARGE = 5 * 1024 * 1024;

	private static final String BINARY = "application/octet-stream";

	private ParityCatalogue() {
	}

	static List<ParityCase> cases() {
		List<ParityCase> cases = new ArrayList<>();
		requests(cases);
		statusesAndErrors(cases);
		state(cases);
		responseFields(cases);
		bodies(cases);
		methodsAndCaching(cases);
		dispatchAndAsync(cases);
		trailersAndInterim(cases);
		return cases;
	}

	private static void add(List<ParityCase> cases, String name, String covers, ParityCase.Exchanges exchanges) {
		cases.add(new ParityCase(name, covers, exchanges));
	}

	/** Requests as the servlet sees them. */
	private static void requests(List<ParityCase> cases) {
		add(cases, "get-echo", "GET: method, paths, headers as the servlet sees them",
				(run) -> run.get("get", "/echo/plain"));
		add(cases, "request-shape", "getScheme, isSecure, server name and port, remote and local address",
				(run) -> run.get("get", "/echo/shape?shape"));
		add(cases, "query-string-utf8", "query string and parameters in UTF-8, repeated and empty ones",
				(run) -> run.get("get", "/echo/query?q=%E2%82%AC%20sign&q=caf%C3%A9&empty=&flag&plus=a+b"));
		add(cases, "form-post-utf8", "application/x-www-form-urlencoded POST in UTF-8, with a query too", (run) -> {
			Fields fields = new Fields();
			fields.add("name", "Zo\u00eb \u20ac");
			fields.add("multi", "1");
			fields.add("multi", "2");
			run.send("post", POST, "/echo/form?from=query", new FormRequestContent(fields, StandardCharsets.UTF_8));
		});
		add(cases, "put-and-delete", "PUT with a body and DELETE reach service()", (run) -> {
			run.send("put", HttpMethod.PUT, "/echo/resource",
					new StringRequestContent("application/json", "{\"a\":1}"));
			run.send("delete", HttpMethod.DELETE, "/echo/resource", null);
		});
		add(cases, "multi-valued-request-headers", "one request field name with several values, in order",
				(run) -> run.get("get", "/echo/multi",
						(headers) -> headers.add("X-Multi", "one")
							.add("X-Multi", "two, three")
							.add("X-Multi", "four")));
		add(cases, "non-ascii-request-header", "an ISO-8859-1 request field value",
				(run) -> run.get("get", "/echo/latin1", (headers) -> headers.put("X-Latin1", "caf\u00e9 cr\u00e8me")));
		add(cases, "large-request-header", "a 6,000-character request field value",
				(run) -> run.get("get", "/echo/large-header", (headers) -> headers.put("X-Large", "y".repeat(6000))));
		add(cases, "many-request-headers", "100 request fields", (run) -> run.get("get", "/echo/many", (headers) -> {
			for (int i = 0; i < 100; i++) {
				headers.add("X-Many-" + i, "value-" + i);
			}
		}));
		add(cases, "encoded-path-info", "percent-encoded UTF-8 and space in the path, a path parameter",
				(run) -> run.get("get", "/echo/caf%C3%A9/a%20b;p=1/c?x=%2F"));
		add(cases, "encoded-slash-rejected", "%2F in the path is ambiguous: rejected alike", (run) -> {
			run.sendOutcome("encoded-slash", run.request("encoded-slash", "/echo/a%2Fb"), CaseRun.TIMEOUT_SECONDS);
			run.get("afterwards", "/echo/after");
		});
		add(cases, "request-charset", "a text/plain;charset=ISO-8859-1 body read with getReader",
				(run) -> run.send("post", POST, "/charset", new BytesRequestContent("text/plain;charset=ISO-8859-1",
						"d\u00e9j\u00e0 vu".getBytes(StandardCharsets.ISO_8859_1))));
		add(cases, "parameter-then-input-stream", "getParameter consumes a form body; getInputStream reads nothing",
				(run) -> {
					Fields fields = new Fields();
					fields.add("name", "value \u00e9");
					run.send("post", POST, "/parameter-then-stream",
							new FormRequestContent(fields, StandardCharsets.UTF_8));
				});
	}

	private static void statusesAndErrors(List<ParityCase> cases) {
		add(cases, "status-201", "setStatus(201) with a body", (run) -> run.get("get", "/status?code=201"));
		add(cases, "status-204", "setStatus(204), no body", (run) -> run.get("get", "/status?code=204"));
		add(cases, "status-418", "setStatus(418), an unusual code", (run) -> run.get("get", "/status?code=418"));
		add(cases, "send-error-mapped-page", "sendError(409, msg) rendered by the error-page servlet",
				(run) -> run.get("get", "/send-error?code=409&message=conflict%20here"));
		add(cases, "send-error-default-page", "sendError(503, msg) rendered by Jetty's default error page",
				(run) -> run.get("get", "/send-error?code=503&message=unavailable"));
		add(cases, "not-found-404", "no servlet mapped: 404 through the error page",
				(run) -> run.get("get", "/no/such/path"));
		add(cases, "exception-500", "an exception thrown by the servlet: 500, error page by exception type",
				(run) -> run.require(run.get("get", "/throw").getStatus() == 500, "a 500"));
		add(cases, "method-not-allowed-405", "POST to a doGet-only servlet: 405",
				(run) -> run.send("post", POST, "/get-only", null));
		add(cases, "redirect-relative", "sendRedirect(\"target?x=1\"): a relative Location",
				(run) -> run.get("get", "/redirect/relative"));
		add(cases, "redirect-absolute-path", "sendRedirect(\"/echo/redirected\") and sendRedirect(.., 303)", (run) -> {
			run.get("302", "/redirect/absolute-path");
			run.get("303", "/redirect/see-other");
		});
	}

	/** State across requests. */
	private static void state(List<ParityCase> cases) {
		add(cases, "cookies", "Set-Cookie with Path, HttpOnly, Secure, SameSite, Max-Age; sent back by the client",
				(run) -> {
					run.get("set", "/cookies/set");
					String echo = run.get("echo", "/cookies/echo").getContentAsString();
					run.require(echo.equals("cookies=[aged=value3, flagged=value2, plain=value1]"),
							"the cookies back, got " + echo);
					run.get("echo-elsewhere", "/echo/cookies");
				});
		add(cases, "session", "HttpSession kept across three requests by its cookie", (run) -> {
			run.get("first", "/session");
			run.get("second", "/session");
			String third = run.get("third", "/session").getContentAsString();
			run.require(third.startsWith("new=false count=3 requestedSessionIdValid=true"),
					"a session, got " + third);
		});
	}

	private static void responseFields(List<ParityCase> cases) {
		add(cases, "multi-valued-response-headers", "addHeader several times, in order",
				(run) -> run.get("get", "/response-headers?kind=multi"));
		add(cases, "non-ascii-response-header", "an ISO-8859-1 response field value",
				(run) -> run.get("get", "/response-headers?kind=latin1"));
		add(cases, "many-response-headers", "100 response fields",
				(run) -> run.get("get", "/response-headers?kind=many"));
		add(cases, "large-response-header", "a 6,000-character response field value",
				(run) -> run.get("get", "/response-headers?kind=large"));
		add(cases, "response-charset", "setCharacterEncoding(ISO-8859-1): Content-Type charset and bytes",
				(run) -> run.get("get", "/charset"));
		add(cases, "response-reset", "reset() discards status, fields and body written before",
				(run) -> run.get("get", "/reset"));
		add(cases, "content-length-long", "setContentLengthLong with a body written in two flushes",
				(run) -> run.get("get", "/content-length"));
	}

	private static void bodies(List<ParityCase> cases) {
		add(cases, "large-download-5mb", "a 5 MB response with Content-Length, checked by SHA-256", (run) -> {
			ContentResponse response = run.getAgainAfterClientStall("get", "/bytes?size=" + LARGE);
			run.require(DeterministicBytes.sha256Hex(response.getContent()).equals(sha256(LARGE)), "the 5 MB body");
		});
		add(cases, "large-upload-5mb", "a 5 MB request body with Content-Length, SHA-256 in the servlet", (run) -> {
			String digest = run.send("post", POST, "/digest", bytes(LARGE)).getContentAsString();
			run.require(digest.contains("contentLength=" + LARGE + " read=" + LARGE + " sha256=" + sha256(LARGE)),
					"the servlet to read the 5 MB body, got " + digest);
		});
		add(cases, "upload-without-length", "a 1 MB request body of unknown length (chunked in HTTP/1.1)", (run) -> {
			String digest = run.send("post", POST, "/digest", unknownLength(run, BINARY, stream(1024 * 1024)))
				.getContentAsString();
			run.require(digest.contains("contentLength=-1 read=1048576 sha256=" + sha256(1024 * 1024)),
					"the servlet to read 1 MB of unknown length, got " + digest);
		});
		add(cases, "streamed-response", "64 flushed writes without Content-Length",
				(run) -> run.get("get", "/stream"));
		add(cases, "multipart-upload", "@MultipartConfig: a UTF-8 field and a 300 KB file part", (run) -> {
			MultiPartRequestContent multipart = new MultiPartRequestContent();
			multipart.addPart(new MultiPart.ByteBufferPart("text", null, HttpFields.EMPTY,
					ByteBuffer.wrap("gr\u00fc\u00dfe \u20ac".getBytes(StandardCharsets.UTF_8))));
			multipart.addPart(new MultiPart.ByteBufferPart("file", "data.bin",
					HttpFields.build().put(HttpHeader.CONTENT_TYPE, BINARY),
					ByteBuffer.wrap(stream(300 * 1024).readAllBytes())));
			multipart.close();
			String parts = run.send("post", POST, "/multipart", multipart).getContentAsString();
			run.require(parts.contains("part file filename=data.bin type=" + BINARY + " size=307200 sha256="
					+ sha256(300 * 1024)), "the file part, got " + parts);
		});
		add(cases, "non-blocking-io", "ReadListener reads 256 KB sent without length, WriteListener writes it back",
				(run) -> {
					ContentResponse response = run.send("post", POST, "/non-blocking",
							unknownLength(run, BINARY, stream(256 * 1024)));
					String received = response.getContentAsString();
					run.require(received.startsWith("received=262144 sha256=" + sha256(256 * 1024)),
							"the body read by the ReadListener");
				});
	}

	private static void methodsAndCaching(List<ParityCase> cases) {
		add(cases, "head", "HEAD: the GET's fields (Content-Length included), no body", (run) -> {
			run.send("head-echo", HEAD, "/echo/head", null);
			run.send("head-status", HEAD, "/status?code=201", null);
		});
		add(cases, "head-large-body", "HEAD on a servlet writing a 5 MB body with its Content-Length", (run) -> {
			ContentResponse head = run.sendOutcome("head-bytes",
					run.request("head-bytes", "/bytes?size=" + LARGE).method(HEAD), 5);
			boolean answered = head != null && head.getStatus() == 200 && head.getContent().length == 0
					&& String.valueOf(LARGE).equals(head.getHeaders().get(HttpHeader.CONTENT_LENGTH));
			run.require(answered || (head == null && run.version() != HttpVersion.HTTP_1_1),
					"a bodiless 200 with the GET's length (always over HTTP/1.1)");
		});
		add(cases, "options", "OPTIONS: HttpServlet's Allow field", (run) -> {
			run.send("options-get-only", HttpMethod.OPTIONS, "/get-only", null);
			run.send("options-trailers", HttpMethod.OPTIONS, "/trailers", null);
		});
		add(cases, "conditional-etag", "ResourceServlet: ETag, then If-None-Match: 304", (run) -> {
			String etag = run.get("get", "/static/hello.txt").getHeaders().get(HttpHeader.ETAG);
			ContentResponse notModified = run.get("if-none-match", "/static/hello.txt",
					(headers) -> headers.put(HttpHeader.IF_NONE_MATCH, String.valueOf(etag)));
			run.require(etag != null && notModified.getStatus() == 304, "an ETag and a 304");
		});
		add(cases, "conditional-if-modified-since", "ResourceServlet: If-Modified-Since: 304, an older date: 200",
				(run) -> {
					String lastModified = run.get("get", "/static/hello.txt")
						.getHeaders()
						.get(HttpHeader.LAST_MODIFIED);
					ContentResponse notModified = run.get("not-modified", "/static/hello.txt",
							(headers) -> headers.put(HttpHeader.IF_MODIFIED_SINCE, String.valueOf(lastModified)));
					run.get("modified", "/static/hello.txt",
							(headers) -> headers.put(HttpHeader.IF_MODIFIED_SINCE, "Sat, 01 Jan 2000 00:00:00 GMT"));
					run.require(lastModified != null && notModified.getStatus() == 304, "Last-Modified and a 304");
				});
		add(cases, "servlet-last-modified", "HttpServlet.getLastModified: Last-Modified, 304 on If-Modified-Since",
				(run) -> {
					run.get("get", "/last-modified");
					ContentResponse notModified = run.get("not-modified", "/last-modified",
							(headers) -> headers.put(HttpHeader.IF_MODIFIED_SINCE, "Sun, 01 Jun 2025 10:00:00 GMT"));
					run.require(notModified.getStatus() == 304, "a 304");
				});
		add(cases, "gzip-compression", "Jetty 12.1's CompressionHandler (gzip) with and without Accept-Encoding",
				(run) -> {
					ContentResponse gzipped = run.get("gzip", "/gzip/text",
							(headers) -> headers.put(HttpHeader.ACCEPT_ENCODING, "gzip"));
					byte[] decoded = gunzip(gzipped.getContent());
					run.observe("gzip decoded", Observation.describe(decoded));
					ContentResponse identity = run.get("identity", "/gzip/text");
					run.require("gzip".equals(gzipped.getHeaders().get(HttpHeader.CONTENT_ENCODING))
							&& gzipped.getContent().length < decoded.length
							&& Arrays.equals(decoded, identity.getContent()),
							"a gzip body that decodes to the identity one");
				});
	}

	private static void dispatchAndAsync(List<ParityCase> cases) {
		add(cases, "filter", "a filter sets a request attribute and fields, and wraps the response",
				(run) -> run.get("get", "/filtered/x?y=1"));
		add(cases, "forward", "RequestDispatcher.forward: attributes, parameters, fields set before",
				(run) -> run.get("get", "/dispatch/forward?orig=1"));
		add(cases, "include", "RequestDispatcher.include: include attributes, fields of the include ignored",
				(run) -> run.get("get", "/dispatch/include?orig=1"));
		add(cases, "async-complete", "AsyncContext: response written and completed from another thread",
				(run) -> run.get("get", "/async/complete"));
		add(cases, "async-dispatch", "AsyncContext.dispatch() back to the servlet, and dispatch(path) elsewhere",
				(run) -> {
					run.get("dispatch", "/async/dispatch");
					run.get("dispatch-other", "/async/dispatch-other?p=1");
				});
		add(cases, "async-timeout", "AsyncContext timeout answered by AsyncListener.onTimeout",
				(run) -> run.require(run.get("get", "/async/timeout").getStatus() == 504, "onTimeout's 504"));
		add(cases, "server-sent-events", "text/event-stream: 5 events flushed one by one, each read before the next",
				ParityCatalogue::serverSentEvents);
	}

	/** Trailers and interim responses. */
	private static void trailersAndInterim(List<ParityCase> cases) {
		add(cases, "request-trailers", "getTrailerFields() of a body sent with trailers", (run) -> {
			InputStream body = new ByteArrayInputStream("body with trailers".getBytes(StandardCharsets.UTF_8));
			ContentResponse response = run.send("post", run.request("post", "/trailers")
				.method(POST)
				.body(unknownLength(run, "text/plain", body))
				.trailersSupplier(() -> HttpFields.build().put("X-Checksum", "abc123").put("X-Count", "1")));
			run.require(response.getContentAsString().contains("x-checksum=abc123"), "the trailers in the servlet");
		});
		add(cases, "response-trailers", "setTrailerFields(): trailers after the body", (run) -> {
			ContentResponse response = run.get("get", "/trailers", (headers) -> headers.put(HttpHeader.TE, "trailers"));
			run.require(response.getTrailers() != null && "complete".equals(response.getTrailers().get("x-status")),
					"response trailers");
		});
		add(cases, "expect-100-continue", "Expect: 100-continue; the body follows the interim response", (run) -> {
			ContentResponse response = run.send("post", run.request("post", "/digest")
				.method(POST)
				.headers((headers) -> headers.put(HttpHeader.EXPECT, "100-continue"))
				.body(bytes(64 * 1024)));
			run.require(response.getContentAsString().contains("read=65536 sha256=" + sha256(64 * 1024)),
					"the body after 100-continue");
		});
	}

	/**
	 * Reads the event stream incrementally: after each event, acknowledges it with another request; the servlet
	 * writes the next event only after the acknowledgement.
	 */
	private static void serverSentEvents(CaseRun run) throws Exception {
		String id = run.version() + "-" + System.nanoTime();
		InputStreamResponseListener listener = new InputStreamResponseListener();
		run.request("stream", "/sse/stream?id=" + id).method(GET).send(listener);
		Response response = listener.get(CaseRun.TIMEOUT_SECONDS, TimeUnit.SECONDS);
		run.checkResponse("stream", response);
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		List<String> events = new ArrayList<>();
		try (InputStream in = listener.getInputStream()) {
			ByteArrayOutputStream event = new ByteArrayOutputStream();
			int previous = -1;
			for (int b = in.read(); b >= 0; b = in.read()) {
				all.write(b);
				event.write(b);
				if (b == '\n' && previous == '\n') {
					events.add(event.toString(StandardCharsets.UTF_8).trim());
					event.reset();
					if (events.size() < SseServlet.EVENTS) {
						String step = "ack-" + events.size();
						int status = run.get(step, "/sse/ack?id=" + id).getStatus();
						run.require(status == 204, "the acknowledgement to be taken, got " + status);
					}
				}
				previous = b;
			}
		}
		run.observation().response("stream", response, all.toByteArray());
		run.observe("stream events read one by one", events);
		run.require(events.size() == SseServlet.EVENTS && events.get(4).startsWith("id: 5"),
				"5 events, got " + events);
	}

	private static BytesRequestContent bytes(int length) throws IOException {
		return new BytesRequestContent(BINARY, stream(length).readAllBytes());
	}

	private static InputStream stream(int length) {
		return DeterministicBytes.stream(length);
	}

	private static String sha256(int length) {
		return DeterministicBytes.sha256Hex(length);
	}

	/** A body of unknown length: without Content-Length (chunked over HTTP/1.1). */
	private static InputStreamRequestContent unknownLength(CaseRun run, String contentType, InputStream in) {
		ByteBufferPool.Sized buffers = new ByteBufferPool.Sized(run.client().getByteBufferPool());
		return new InputStreamRequestContent(contentType, in, buffers);
	}

	private static byte[] gunzip(byte[] content) throws IOException {
		try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(content))) {
			return in.readAllBytes();
		}
	}

}
