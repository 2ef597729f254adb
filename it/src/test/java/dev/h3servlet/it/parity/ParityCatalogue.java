package dev.h3servlet.it.parity;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import dev.h3servlet.connector.testing.DeterministicBytes;
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

/**
 * The servlet behaviours compared over HTTP/1.1, HTTP/2 and HTTP/3 (served by {@link ParityApp}).
 */
final class ParityCatalogue {

	static final int LARGE = 5 * 1024 * 1024;

	private ParityCatalogue() {
	}

	static List<ParityCase> cases() {
		List<ParityCase> cases = new ArrayList<>();
		// Requests as the servlet sees them
		cases.add(new ParityCase("get-echo", "GET: method, paths, headers as the servlet sees them",
				(run) -> run.get("get", "/echo/plain")));
		cases.add(new ParityCase("request-shape", "getScheme, isSecure, getServerName/Port, getRemoteAddr, local address",
				(run) -> run.get("get", "/echo/shape?shape")));
		cases.add(new ParityCase("query-string-utf8", "query string and parameters in UTF-8, repeated and empty ones",
				(run) -> run.get("get", "/echo/query?q=%E2%82%AC%20sign&q=caf%C3%A9&empty=&flag&plus=a+b")));
		cases.add(new ParityCase("form-post-utf8", "application/x-www-form-urlencoded POST in UTF-8",
				(run) -> {
					Fields fields = new Fields();
					fields.add("name", "Zo\u00eb \u20ac");
					fields.add("multi", "1");
					fields.add("multi", "2");
					run.send("post", run.request("post", "/echo/form?from=query").method(HttpMethod.POST)
						.body(new FormRequestContent(fields, StandardCharsets.UTF_8)));
				}));
		cases.add(new ParityCase("put-and-delete", "PUT with a body and DELETE reach service()",
				(run) -> {
					run.send("put", run.request("put", "/echo/resource").method(HttpMethod.PUT)
						.body(new StringRequestContent("application/json", "{\"a\":1}")));
					run.send("delete", run.request("delete", "/echo/resource").method(HttpMethod.DELETE));
				}));
		cases.add(new ParityCase("multi-valued-request-headers", "one request field name with several values, in order",
				(run) -> run.send("get", run.request("get", "/echo/multi")
					.headers((headers) -> headers.add("X-Multi", "one").add("X-Multi", "two, three").add("X-Multi", "four")))));
		cases.add(new ParityCase("non-ascii-request-header", "an ISO-8859-1 request field value",
				(run) -> run.send("get", run.request("get", "/echo/latin1")
					.headers((headers) -> headers.put("X-Latin1", "caf\u00e9 cr\u00e8me")))));
		cases.add(new ParityCase("large-request-header", "a 6,000-character request field value",
				(run) -> run.send("get", run.request("get", "/echo/large-header")
					.headers((headers) -> headers.put("X-Large", "y".repeat(6000))))));
		cases.add(new ParityCase("many-request-headers", "100 request fields",
				(run) -> run.send("get", run.request("get", "/echo/many-headers").headers((headers) -> {
					for (int i = 0; i < 100; i++) {
						headers.add("X-Many-" + i, "value-" + i);
					}
				}))));
		cases.add(new ParityCase("encoded-path-info", "percent-encoded UTF-8 and space in the path, a path parameter",
				(run) -> run.get("get", "/echo/caf%C3%A9/a%20b;p=1/c?x=%2F")));
		cases.add(new ParityCase("encoded-slash-rejected", "%2F in the path is ambiguous: rejected alike",
				(run) -> {
					run.get("encoded-slash", "/echo/a%2Fb");
					run.get("afterwards", "/echo/after");
				}));
		cases.add(new ParityCase("request-charset", "a text/plain;charset=ISO-8859-1 body read with getReader",
				(run) -> run.send("post", run.request("post", "/charset").method(HttpMethod.POST)
					.body(new BytesRequestContent("text/plain;charset=ISO-8859-1",
							"d\u00e9j\u00e0 vu".getBytes(StandardCharsets.ISO_8859_1))))));
		cases.add(new ParityCase("parameter-then-input-stream", "getParameter consumes a form body; getInputStream then reads nothing",
				(run) -> {
					Fields fields = new Fields();
					fields.add("name", "value \u00e9");
					run.send("post", run.request("post", "/parameter-then-stream").method(HttpMethod.POST)
						.body(new FormRequestContent(fields, StandardCharsets.UTF_8)));
				}));
		// Status codes and errors
		cases.add(new ParityCase("status-201", "setStatus(201) with a body", (run) -> run.get("get", "/status?code=201")));
		cases.add(new ParityCase("status-204", "setStatus(204), no body", (run) -> run.get("get", "/status?code=204")));
		cases.add(new ParityCase("status-418", "setStatus(418), an unusual code", (run) -> run.get("get", "/status?code=418")));
		cases.add(new ParityCase("send-error-mapped-page", "sendError(409, msg) rendered by the error-page servlet",
				(run) -> run.get("get", "/send-error?code=409&message=conflict%20here")));
		cases.add(new ParityCase("send-error-default-page", "sendError(503, msg) rendered by Jetty's default error page",
				(run) -> run.get("get", "/send-error?code=503&message=unavailable")));
		cases.add(new ParityCase("not-found-404", "no servlet mapped: 404 through the error page",
				(run) -> run.get("get", "/no/such/path")));
		cases.add(new ParityCase("exception-500", "an exception thrown by the servlet: error page by exception type",
				(run) -> run.get("get", "/throw")));
		cases.add(new ParityCase("method-not-allowed-405", "POST to a doGet-only servlet: 405",
				(run) -> run.send("post", run.request("post", "/get-only").method(HttpMethod.POST))));
		cases.add(new ParityCase("redirect-relative", "sendRedirect(\"target?x=1\"): a relative Location",
				(run) -> run.get("get", "/redirect/relative")));
		cases.add(new ParityCase("redirect-absolute-path", "sendRedirect(\"/echo/redirected\") and sendRedirect(.., 303)",
				(run) -> {
					run.get("302", "/redirect/absolute-path");
					run.get("303", "/redirect/see-other");
				}));
		// State across requests
		cases.add(new ParityCase("cookies", "Set-Cookie with Path, HttpOnly, Secure, SameSite, Max-Age; sent back by the client's store",
				(run) -> {
					run.get("set", "/cookies/set");
					String echo = run.get("echo", "/cookies/echo").getContentAsString();
					run.require(echo.equals("cookies=[aged=value3, flagged=value2, plain=value1]"), "the cookies back, got " + echo);
					run.get("echo-elsewhere", "/echo/cookies");
				}));
		cases.add(new ParityCase("session", "HttpSession kept across three requests by its cookie",
				(run) -> {
					run.get("first", "/session");
					run.get("second", "/session");
					String third = run.get("third", "/session").getContentAsString();
					run.require(third.startsWith("new=false count=3 requestedSessionIdValid=true"), "a session, got " + third);
				}));
		// Response fields
		cases.add(new ParityCase("multi-valued-response-headers", "addHeader several times, in order",
				(run) -> run.get("get", "/response-headers?kind=multi")));
		cases.add(new ParityCase("non-ascii-response-header", "an ISO-8859-1 response field value",
				(run) -> run.get("get", "/response-headers?kind=latin1")));
		cases.add(new ParityCase("many-response-headers", "100 response fields", (run) -> run.get("get", "/response-headers?kind=many")));
		cases.add(new ParityCase("large-response-header", "a 6,000-character response field value",
				(run) -> run.get("get", "/response-headers?kind=large")));
		cases.add(new ParityCase("response-charset", "setCharacterEncoding(ISO-8859-1): Content-Type charset and bytes",
				(run) -> run.get("get", "/charset")));
		cases.add(new ParityCase("response-reset", "reset() discards status, fields and body written before",
				(run) -> run.get("get", "/reset")));
		cases.add(new ParityCase("content-length-long", "setContentLengthLong with a body written in two flushes",
				(run) -> run.get("get", "/content-length")));
		// Bodies
		cases.add(new ParityCase("large-download-5mb", "a 5 MB response with Content-Length, checked by SHA-256",
				(run) -> {
					ContentResponse response = run.get("get", "/bytes?size=" + LARGE);
					run.require(DeterministicBytes.sha256Hex(response.getContent()).equals(DeterministicBytes.sha256Hex(LARGE)),
							"the 5 MB body");
				}));
		cases.add(new ParityCase("large-upload-5mb", "a 5 MB request body with Content-Length, SHA-256 in the servlet",
				(run) -> {
					ContentResponse response = run.send("post", run.request("post", "/digest").method(HttpMethod.POST)
						.body(new BytesRequestContent("application/octet-stream", DeterministicBytes.stream(LARGE).readAllBytes())));
					run.require(response.getContentAsString().contains("contentLength=" + LARGE + " read=" + LARGE + " sha256="
							+ DeterministicBytes.sha256Hex(LARGE)), "the servlet to read the 5 MB body");
				}));
		cases.add(new ParityCase("upload-without-length", "a 1 MB request body of unknown length (chunked in HTTP/1.1)",
				(run) -> {
					ContentResponse response = run.send("post", run.request("post", "/digest").method(HttpMethod.POST)
						.body(unknownLength(run, "application/octet-stream", DeterministicBytes.stream(1024 * 1024))));
					run.require(response.getContentAsString().contains("contentLength=-1 read=1048576 sha256="
							+ DeterministicBytes.sha256Hex(1024 * 1024)), "the servlet to read 1 MB of unknown length");
				}));
		cases.add(new ParityCase("streamed-response", "64 flushed writes without Content-Length",
				(run) -> run.get("get", "/stream")));
		cases.add(new ParityCase("multipart-upload", "@MultipartConfig: a UTF-8 field and a 300 KB file part",
				(run) -> {
					MultiPartRequestContent multipart = new MultiPartRequestContent();
					multipart.addPart(new MultiPart.ByteBufferPart("text", null, HttpFields.EMPTY,
							ByteBuffer.wrap("gr\u00fc\u00dfe \u20ac".getBytes(StandardCharsets.UTF_8))));
					multipart.addPart(new MultiPart.ByteBufferPart("file", "data.bin",
							HttpFields.build().put(HttpHeader.CONTENT_TYPE, "application/octet-stream"),
							ByteBuffer.wrap(DeterministicBytes.stream(300 * 1024).readAllBytes())));
					multipart.close();
					String parts = run.send("post", run.request("post", "/multipart").method(HttpMethod.POST).body(multipart))
						.getContentAsString();
					run.require(parts.contains("part file filename=data.bin type=application/octet-stream size=307200 sha256="
							+ DeterministicBytes.sha256Hex(300 * 1024)), "the file part, got " + parts);
				}));
		cases.add(new ParityCase("non-blocking-io", "ReadListener reads 256 KB sent without length, WriteListener writes it back",
				(run) -> {
					ContentResponse response = run.send("post", run.request("post", "/non-blocking").method(HttpMethod.POST)
						.body(unknownLength(run, "application/octet-stream", DeterministicBytes.stream(256 * 1024))));
					run.require(response.getContentAsString().startsWith("received=262144 sha256=" + DeterministicBytes.sha256Hex(256 * 1024)),
							"the body read by the ReadListener");
				}));
		// Methods
		cases.add(new ParityCase("head", "HEAD: the GET's fields (Content-Length included), no body",
				(run) -> {
					run.send("head-echo", run.request("head-echo", "/echo/head").method(HttpMethod.HEAD));
					run.send("head-status", run.request("head-status", "/status?code=201").method(HttpMethod.HEAD));
				}));
		cases.add(new ParityCase("head-large-body", "HEAD on a servlet writing a 5 MB body with its Content-Length",
				(run) -> {
					ContentResponse head = run.sendOutcome("head-bytes", run.request("head-bytes", "/bytes?size=" + LARGE)
						.method(HttpMethod.HEAD), 5);
					run.require((head == null) ? run.version() != HttpVersion.HTTP_1_1 : (head.getStatus() == 200 && head.getContent().length == 0
							&& String.valueOf(LARGE).equals(head.getHeaders().get(HttpHeader.CONTENT_LENGTH))),
							"a bodiless 200 with the GET's length (always over HTTP/1.1)");
				}));
		cases.add(new ParityCase("options", "OPTIONS: HttpServlet's Allow field",
				(run) -> {
					run.send("options-echo", run.request("options-echo", "/get-only").method(HttpMethod.OPTIONS));
					run.send("options-trailers", run.request("options-trailers", "/trailers").method(HttpMethod.OPTIONS));
				}));
		// Caching
		cases.add(new ParityCase("conditional-etag", "ResourceServlet: ETag, then If-None-Match → 304",
				(run) -> {
					ContentResponse first = run.get("get", "/static/hello.txt");
					String etag = first.getHeaders().get(HttpHeader.ETAG);
					ContentResponse notModified = run.send("if-none-match", run.request("if-none-match", "/static/hello.txt")
						.headers((headers) -> headers.put(HttpHeader.IF_NONE_MATCH, String.valueOf(etag))));
					run.require(etag != null && notModified.getStatus() == 304, "an ETag and a 304");
				}));
		cases.add(new ParityCase("conditional-if-modified-since", "ResourceServlet: If-Modified-Since → 304, older date → 200",
				(run) -> {
					ContentResponse first = run.get("get", "/static/hello.txt");
					String lastModified = first.getHeaders().get(HttpHeader.LAST_MODIFIED);
					ContentResponse notModified = run.send("not-modified", run.request("not-modified", "/static/hello.txt")
						.headers((headers) -> headers.put(HttpHeader.IF_MODIFIED_SINCE, String.valueOf(lastModified))));
					run.require(lastModified != null && notModified.getStatus() == 304, "Last-Modified and a 304");
					run.send("modified", run.request("modified", "/static/hello.txt")
						.headers((headers) -> headers.put(HttpHeader.IF_MODIFIED_SINCE, "Sat, 01 Jan 2000 00:00:00 GMT")));
				}));
		cases.add(new ParityCase("servlet-last-modified", "HttpServlet.getLastModified: Last-Modified, 304 on If-Modified-Since",
				(run) -> {
					run.get("get", "/last-modified");
					ContentResponse notModified = run.send("not-modified", run.request("not-modified", "/last-modified")
						.headers((headers) -> headers.put(HttpHeader.IF_MODIFIED_SINCE, "Sun, 01 Jun 2025 10:00:00 GMT")));
					run.require(notModified.getStatus() == 304, "a 304");
				}));
		cases.add(new ParityCase("gzip-compression", "Jetty 12.1 CompressionHandler (gzip) with and without Accept-Encoding",
				(run) -> {
					ContentResponse gzipped = run.send("gzip", run.request("gzip", "/gzip/text")
						.headers((headers) -> headers.put(HttpHeader.ACCEPT_ENCODING, "gzip")));
					byte[] decoded = gunzip(gzipped.getContent());
					run.observe("gzip decoded", Observation.describe(decoded));
					ContentResponse identity = run.get("identity", "/gzip/text");
					run.require("gzip".equals(gzipped.getHeaders().get(HttpHeader.CONTENT_ENCODING))
							&& gzipped.getContent().length < decoded.length
							&& java.util.Arrays.equals(decoded, identity.getContent()), "a gzip body that decodes to the identity one");
				}));
		// Filters and dispatch
		cases.add(new ParityCase("filter", "a filter sets a request attribute and fields, and wraps the response",
				(run) -> run.get("get", "/filtered/x?y=1")));
		cases.add(new ParityCase("forward", "RequestDispatcher.forward: attributes, parameters, fields set before",
				(run) -> run.get("get", "/dispatch/forward?orig=1")));
		cases.add(new ParityCase("include", "RequestDispatcher.include: include attributes, fields of the include ignored",
				(run) -> run.get("get", "/dispatch/include?orig=1")));
		// Async
		cases.add(new ParityCase("async-complete", "AsyncContext: response written and completed from another thread",
				(run) -> run.get("get", "/async/complete")));
		cases.add(new ParityCase("async-dispatch", "AsyncContext.dispatch() back to the servlet, and dispatch(path) elsewhere",
				(run) -> {
					run.get("dispatch", "/async/dispatch");
					run.get("dispatch-other", "/async/dispatch-other?p=1");
				}));
		cases.add(new ParityCase("async-timeout", "AsyncContext timeout answered by AsyncListener.onTimeout",
				(run) -> run.require(run.get("get", "/async/timeout").getStatus() == 504, "onTimeout's 504")));
		cases.add(new ParityCase("server-sent-events", "text/event-stream: 5 events flushed one by one, each read before the next is written",
				ParityCatalogue::serverSentEvents));
		// Trailers and interim responses
		cases.add(new ParityCase("request-trailers", "getTrailerFields() of a body sent with trailers",
				(run) -> {
					ContentResponse response = run.send("post", run.request("post", "/trailers").method(HttpMethod.POST)
						.body(unknownLength(run, "text/plain", new ByteArrayInputStream(
								"body with trailers".getBytes(StandardCharsets.UTF_8))))
						.trailersSupplier(() -> HttpFields.build().put("X-Checksum", "abc123").put("X-Count", "1")));
					run.require(response.getContentAsString().contains("x-checksum=abc123"), "the trailers in the servlet");
				}));
		cases.add(new ParityCase("response-trailers", "setTrailerFields(): trailers after the body",
				(run) -> {
					ContentResponse response = run.send("get", run.request("get", "/trailers")
						.headers((headers) -> headers.put(HttpHeader.TE, "trailers")));
					run.require(response.getTrailers() != null && "complete".equals(response.getTrailers().get("x-status")),
							"response trailers");
				}));
		cases.add(new ParityCase("expect-100-continue", "Expect: 100-continue; the body follows the interim response",
				(run) -> {
					ContentResponse response = run.send("post", run.request("post", "/digest").method(HttpMethod.POST)
						.headers((headers) -> headers.put(HttpHeader.EXPECT, "100-continue"))
						.body(new BytesRequestContent("application/octet-stream", DeterministicBytes.stream(64 * 1024).readAllBytes())));
					run.require(response.getContentAsString().contains("read=65536 sha256=" + DeterministicBytes.sha256Hex(64 * 1024)),
							"the body after 100-continue");
				}));
		return cases;
	}

	/**
	 * Reads the event stream incrementally: after each event, acknowledges it with another request; the servlet
	 * writes the next event only after the acknowledgement.
	 */
	private static void serverSentEvents(CaseRun run) throws Exception {
		String id = run.version() + "-" + System.nanoTime();
		InputStreamResponseListener listener = new InputStreamResponseListener();
		run.request("stream", "/sse/stream?id=" + id).send(listener);
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
					if (events.size() < ParityApp.SseServlet.EVENTS) {
						String step = "ack-" + events.size();
						ContentResponse ack = run.send(step, run.request(step, "/sse/ack?id=" + id));
						if (ack.getStatus() != 204) {
							throw new AssertionError("ack refused: " + ack.getStatus());
						}
					}
				}
				previous = b;
			}
		}
		run.observation().response("stream", response, all.toByteArray());
		run.observe("stream events read one by one", events);
		run.require(events.size() == ParityApp.SseServlet.EVENTS && events.get(4).startsWith("id: 5"), "5 events, got " + events);
	}

	/** A body of unknown length: without Content-Length (chunked over HTTP/1.1). */
	private static InputStreamRequestContent unknownLength(CaseRun run, String contentType, InputStream in) {
		return new InputStreamRequestContent(contentType, in, new ByteBufferPool.Sized(run.client().getByteBufferPool()));
	}

	private static byte[] gunzip(byte[] content) throws IOException {
		try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(content))) {
			return in.readAllBytes();
		}
	}

}
