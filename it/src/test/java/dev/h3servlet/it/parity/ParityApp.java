package dev.h3servlet.it.parity;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.testing.DeterministicBytes;
import dev.h3servlet.servlet.Http3ServletServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ReadListener;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.Part;
import org.eclipse.jetty.compression.gzip.GzipCompression;
import org.eclipse.jetty.compression.server.CompressionConfig;
import org.eclipse.jetty.compression.server.CompressionHandler;
import org.eclipse.jetty.ee11.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee11.servlet.ResourceServlet;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.ee11.servlet.SessionHandler;
import org.eclipse.jetty.io.QuietException;

/**
 * The web app every parity case runs against: plain servlets, filters, an error page, a {@code ResourceServlet}
 * (static files),
 * Jetty 12.1's gzip {@link CompressionHandler}, async and non-blocking servlets. Servlets answer with what they saw
 * (parameters, headers, cookies, trailers, body digests) so that differences on the server side show in the
 * response. None of them echoes the protocol: the {@link ProtocolLog} records it per request, keyed by the
 * {@value #REQUEST_ID} header the client sends.
 */
final class ParityApp {

	/** The request header naming one exchange of a case, for the server-side protocol check. */
	static final String REQUEST_ID = "X-Parity-Id";

	/** Last-Modified of the static file and of {@link LastModifiedServlet}: fixed, second precision. */
	static final Instant LAST_MODIFIED = Instant.parse("2025-06-01T10:00:00Z");

	static final String STATIC_TEXT = "static text served by ResourceServlet\n";

	private final ProtocolLog protocolLog = new ProtocolLog();

	private final SseServlet sse = new SseServlet();

	private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, (task) -> {
		Thread thread = new Thread(task, "parity-async");
		thread.setDaemon(true);
		return thread;
	});

	ProtocolLog protocolLog() {
		return this.protocolLog;
	}

	void shutdown() {
		this.executor.shutdownNow();
	}

	/** Registers the app on the server builder; {@code directory} holds the static file and multipart temp files. */
	void configure(Http3ServletServer.Builder builder, Path directory) {
		Path staticDir = directory.resolve("static");
		Path multipartDir = directory.resolve("multipart");
		try {
			Files.createDirectories(staticDir);
			Files.createDirectories(multipartDir);
			Path file = Files.writeString(staticDir.resolve("hello.txt"), STATIC_TEXT);
			Files.setLastModifiedTime(file, FileTime.from(LAST_MODIFIED));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot prepare " + directory, ex);
		}
		builder.context((context) -> configure(context, staticDir, multipartDir));
	}

	private void configure(ServletContextHandler context, Path staticDir, Path multipartDir) {
		context.addEventListener(this.protocolLog);
		context.setSessionHandler(new SessionHandler());
		context.addServlet(new ServletHolder(new EchoServlet()), "/echo/*");
		context.addServlet(new ServletHolder(new StatusServlet()), "/status");
		context.addServlet(new ServletHolder(new SendErrorServlet()), "/send-error");
		context.addServlet(new ServletHolder(new ThrowingServlet()), "/throw");
		context.addServlet(new ServletHolder(new GetOnlyServlet()), "/get-only");
		context.addServlet(new ServletHolder(new ErrorPageServlet()), "/error-page");
		context.addServlet(new ServletHolder(new RedirectServlet()), "/redirect/*");
		context.addServlet(new ServletHolder(new CookieServlet()), "/cookies/*");
		context.addServlet(new ServletHolder(new SessionServlet()), "/session");
		context.addServlet(new ServletHolder(new ResponseHeadersServlet()), "/response-headers");
		context.addServlet(new ServletHolder(new BytesServlet()), "/bytes");
		context.addServlet(new ServletHolder(new DigestServlet()), "/digest");
		context.addServlet(new ServletHolder(new StreamServlet()), "/stream");
		context.addServlet(new ServletHolder(new LastModifiedServlet()), "/last-modified");
		context.addServlet(new ServletHolder(new TextServlet()), "/gzip/text");
		context.addServlet(new ServletHolder(new EchoServlet()), "/filtered/*");
		context.addServlet(new ServletHolder(new DispatchServlet()), "/dispatch/*");
		context.addServlet(new ServletHolder(new FragmentServlet()), "/fragment");
		context.addServlet(new ServletHolder(new TrailersServlet()), "/trailers");
		context.addServlet(new ServletHolder(new CharsetServlet()), "/charset");
		context.addServlet(new ServletHolder(new ResetServlet()), "/reset");
		context.addServlet(new ServletHolder(new ContentLengthServlet()), "/content-length");
		context.addServlet(new ServletHolder(new ParameterThenStreamServlet()), "/parameter-then-stream");
		context.addServlet(async(new AsyncServlet(this.executor)), "/async/*");
		context.addServlet(async(new NonBlockingEchoServlet()), "/non-blocking");
		context.addServlet(async(this.sse), "/sse/*");
		ServletHolder multipart = new ServletHolder(new MultipartServlet());
		multipart.getRegistration()
			.setMultipartConfig(new MultipartConfigElement(multipartDir.toString(), 8 * 1024 * 1024,
					16 * 1024 * 1024, 64 * 1024));
		context.addServlet(multipart, "/multipart");
		ServletHolder resources = new ServletHolder("static", ResourceServlet.class);
		resources.setInitParameter("baseResource", staticDir.toUri().toString());
		resources.setInitParameter("dirAllowed", "false");
		resources.setInitParameter("etags", "true");
		context.addServlet(resources, "/static/*");
		FilterHolder filter = new FilterHolder(new MarkingFilter());
		context.addFilter(filter, "/filtered/*", EnumSet.of(DispatcherType.REQUEST));
		ErrorPageErrorHandler errorPages = new ErrorPageErrorHandler();
		errorPages.addErrorPage(404, "/error-page");
		errorPages.addErrorPage(409, "/error-page");
		errorPages.addErrorPage(IllegalStateException.class, "/error-page");
		context.setErrorHandler(errorPages);
		CompressionHandler compression = new CompressionHandler();
		compression.putCompression(new GzipCompression());
		compression.putConfiguration("/gzip/*", CompressionConfig.builder().defaults().build());
		context.insertHandler(compression);
	}

	private static ServletHolder async(HttpServlet servlet) {
		ServletHolder holder = new ServletHolder(servlet);
		holder.setAsyncSupported(true);
		return holder;
	}

	static String sha256(byte[] bytes) {
		return DeterministicBytes.sha256Hex(bytes);
	}

	/** Records {@code request.getProtocol()} of every request that reaches the servlet context, by request id. */
	static final class ProtocolLog implements ServletRequestListener {

		private final Map<String, List<String>> protocols = new ConcurrentHashMap<>();

		@Override
		public void requestInitialized(ServletRequestEvent event) {
			ServletRequest request = event.getServletRequest();
			if (request instanceof HttpServletRequest http && http.getHeader(REQUEST_ID) != null) {
				this.protocols.computeIfAbsent(http.getHeader(REQUEST_ID), (id) -> Collections.synchronizedList(
						new ArrayList<>()))
					.add(request.getProtocol());
			}
		}

		/** What the servlet context saw as the protocol of the request with this id (once per dispatch). */
		List<String> protocolsOf(String id) {
			return List.copyOf(this.protocols.getOrDefault(id, List.of()));
		}

	}

	/** Writes what the request looked like to the servlet: method, paths, parameters, headers, cookies, body. */
	static class EchoServlet extends HttpServlet {

		@Override
		protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/plain;charset=UTF-8");
			PrintWriter out = response.getWriter();
			describe(request, out);
			byte[] body = request.getInputStream().readAllBytes();
			out.println("body.length=" + body.length);
			out.println("body=" + (body.length <= 256 ? new String(body, StandardCharsets.UTF_8) : sha256(body)));
		}

		static void describe(HttpServletRequest request, PrintWriter out) {
			out.println("method=" + request.getMethod());
			out.println("requestURI=" + request.getRequestURI());
			out.println("contextPath=" + request.getContextPath());
			out.println("servletPath=" + request.getServletPath());
			out.println("pathInfo=" + request.getPathInfo());
			out.println("queryString=" + request.getQueryString());
			out.println("parameters=" + parameters(request));
			out.println("contentType=" + request.getContentType());
			out.println("characterEncoding=" + request.getCharacterEncoding());
			out.println("contentLength=" + request.getContentLengthLong());
			out.println("scheme=" + request.getScheme() + " secure=" + request.isSecure() + " serverName="
					+ request.getServerName() + " serverPort=" + request.getServerPort());
			out.println("remoteAddr=" + request.getRemoteAddr() + " remotePort>0=" + (request.getRemotePort() > 0)
					+ " localAddr=" + request.getLocalAddr() + " localPort=" + request.getLocalPort());
			out.println("requestURL=" + request.getRequestURL());
			// Sorted by name: the order of different names is not compared, the order of one name's values is.
			Map<String, List<String>> headers = new TreeMap<>();
			for (String name : Collections.list(request.getHeaderNames())) {
				if (!name.equalsIgnoreCase(REQUEST_ID)) {
					headers.put(name.toLowerCase(Locale.ROOT), Collections.list(request.getHeaders(name)));
				}
			}
			headers.forEach((name, values) -> out.println("header " + name + "=" + values));
			Cookie[] cookies = request.getCookies();
			if (cookies != null) {
				for (Cookie cookie : cookies) {
					out.println("cookie " + cookie.getName() + "=" + cookie.getValue());
				}
			}
			out.println("attribute filtered=" + request.getAttribute("filtered"));
		}

		static String parameters(HttpServletRequest request) {
			Map<String, List<String>> parameters = new TreeMap<>();
			request.getParameterMap().forEach((name, values) -> parameters.put(name, List.of(values)));
			return parameters.toString();
		}

	}

	/** {@code setStatus(code)} with a short body, except for 204 and 304. */
	static class StatusServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			int code = Integer.parseInt(request.getParameter("code"));
			response.setStatus(code);
			if (code != 204 && code != 304) {
				response.setContentType("text/plain;charset=UTF-8");
				response.getWriter().print("status " + code);
			}
		}

	}

	/** {@code sendError(code, message)}: an error page where one is mapped, Jetty's default page otherwise. */
	static class SendErrorServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setHeader("X-Before-Error", "kept");
			response.sendError(Integer.parseInt(request.getParameter("code")), request.getParameter("message"));
		}

	}

	static class ThrowingServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) {
			throw new ThrownByServlet();
		}

	}

	/** Thrown on purpose: a {@link QuietException}, so Jetty logs it in one line rather than with its trace. */
	static final class ThrownByServlet extends IllegalStateException implements QuietException {

		ThrownByServlet() {
			super("thrown by the servlet");
		}

	}

	static class GetOnlyServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.getWriter().print("get only");
		}

	}

	/** The mapped error page: reports the error attributes. */
	static class ErrorPageServlet extends HttpServlet {

		@Override
		protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/plain;charset=UTF-8");
			PrintWriter out = response.getWriter();
			out.println("error page");
			out.println("dispatcherType=" + request.getDispatcherType());
			out.println("status=" + request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE));
			out.println("message=" + request.getAttribute(RequestDispatcher.ERROR_MESSAGE));
			out.println("requestURI=" + request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
			Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
			out.println("exception=" + ((exception != null) ? exception.getClass().getName() : null));
		}

	}

	/** {@code /redirect/relative}: {@code sendRedirect("target?x=1")}; the others: absolute paths, 303. */
	static class RedirectServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			switch (request.getPathInfo()) {
				case "/relative" -> response.sendRedirect("target?x=1");
				case "/absolute-path" -> response.sendRedirect("/echo/redirected");
				case "/see-other" -> response.sendRedirect("/echo/other", 303);
				default -> response.sendError(400);
			}
		}

	}

	/** {@code /cookies/set} adds cookies; {@code /cookies/echo} lists those it received. */
	static class CookieServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/plain;charset=UTF-8");
			if ("/set".equals(request.getPathInfo())) {
				Cookie plain = new Cookie("plain", "value1");
				plain.setPath("/cookies");
				response.addCookie(plain);
				Cookie flagged = new Cookie("flagged", "value2");
				flagged.setPath("/");
				flagged.setHttpOnly(true);
				flagged.setSecure(true);
				flagged.setAttribute("SameSite", "Lax");
				response.addCookie(flagged);
				Cookie aged = new Cookie("aged", "value3");
				aged.setPath("/");
				aged.setMaxAge(3600);
				response.addCookie(aged);
				response.getWriter().print("set");
				return;
			}
			Cookie[] cookies = request.getCookies();
			List<String> received = new ArrayList<>();
			if (cookies != null) {
				for (Cookie cookie : cookies) {
					received.add(cookie.getName() + "=" + cookie.getValue());
				}
			}
			Collections.sort(received);
			response.getWriter().print("cookies=" + received);
		}

	}

	/** A counter in the {@link HttpSession}. */
	static class SessionServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			HttpSession session = request.getSession();
			boolean isNew = session.isNew();
			int count = (session.getAttribute("count") instanceof Integer previous) ? previous + 1 : 1;
			session.setAttribute("count", count);
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter()
				.print("new=" + isNew + " count=" + count + " requestedSessionIdValid="
						+ request.isRequestedSessionIdValid() + " fromCookie="
						+ request.isRequestedSessionIdFromCookie());
		}

	}

	/**
	 * Response headers: {@code ?kind=multi} (one name, several values), {@code latin1} (non-ASCII ISO-8859-1 values),
	 * {@code many} (100 fields), {@code large} (one 6,000-character value).
	 */
	static class ResponseHeadersServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			switch (request.getParameter("kind")) {
				case "multi" -> {
					response.addHeader("X-Multi", "one");
					response.addHeader("X-Multi", "two, three");
					response.addHeader("X-Multi", "four");
					response.addHeader("Cache-Control", "no-cache");
					response.addHeader("Cache-Control", "no-store");
				}
				case "latin1" -> response.setHeader("X-Latin1", "caf\u00e9 cr\u00e8me \u00fcber");
				case "many" -> {
					for (int i = 0; i < 100; i++) {
						response.addHeader("X-Many-" + i, "value-" + i);
					}
				}
				case "large" -> response.setHeader("X-Large", "x".repeat(6000));
				default -> throw new IllegalArgumentException("kind");
			}
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter().print("headers " + request.getParameter("kind"));
		}

	}

	/** {@code ?size=N}: N deterministic bytes with Content-Length. */
	static class BytesServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			long size = Long.parseLong(request.getParameter("size"));
			response.setContentType("application/octet-stream");
			response.setContentLengthLong(size);
			try (InputStream in = DeterministicBytes.stream(size)) {
				in.transferTo(response.getOutputStream());
			}
		}

	}

	/** The SHA-256 and length of the request body, and the Content-Length the servlet was told. */
	static class DigestServlet extends HttpServlet {

		@Override
		protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
			MessageDigest digest = DeterministicBytes.sha256();
			long length = 0;
			byte[] buffer = new byte[16384];
			ServletInputStream in = request.getInputStream();
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				digest.update(buffer, 0, read);
				length += read;
			}
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter()
				.print("method=" + request.getMethod() + " contentLength=" + request.getContentLengthLong()
						+ " read=" + length + " sha256=" + HexFormat.of().formatHex(digest.digest())
						+ " expect=" + request.getHeader("Expect"));
		}

	}

	/** 64 chunks of 1 KiB, each flushed: no Content-Length. */
	static class StreamServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("application/octet-stream");
			ServletOutputStream out = response.getOutputStream();
			byte[] chunk = new byte[1024];
			for (int i = 0; i < 64; i++) {
				for (int j = 0; j < chunk.length; j++) {
					chunk[j] = DeterministicBytes.at((long) i * chunk.length + j);
				}
				out.write(chunk);
				out.flush();
			}
		}

	}

	/** Implements {@code getLastModified}: HttpServlet answers If-Modified-Since itself. */
	static class LastModifiedServlet extends HttpServlet {

		@Override
		protected long getLastModified(HttpServletRequest request) {
			return LAST_MODIFIED.toEpochMilli();
		}

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter().print("modified content");
		}

	}

	/** 20 KB of compressible text. */
	static class TextServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/plain;charset=UTF-8");
			PrintWriter out = response.getWriter();
			for (int i = 0; i < 400; i++) {
				out.printf("line %04d of a compressible text body%n", i);
			}
		}

	}

	/** Sets a request attribute and a response header, and wraps the response to add another. */
	static class MarkingFilter implements Filter {

		@Override
		public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
				throws IOException, ServletException {
			request.setAttribute("filtered", "yes");
			HttpServletResponse http = (HttpServletResponse) response;
			http.setHeader("X-Filter", "before");
			chain.doFilter(request, new HttpServletResponseWrapper(http) {

				@Override
				public void setContentType(String type) {
					super.setContentType(type);
					super.setHeader("X-Filter-Wrapped", "content-type seen: " + type);
				}

			});
		}

	}

	/** {@code /dispatch/forward} and {@code /dispatch/include} to {@link FragmentServlet}. */
	static class DispatchServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response)
				throws IOException, ServletException {
			request.setAttribute("from", "dispatcher");
			RequestDispatcher dispatcher = request.getRequestDispatcher("/fragment?added=1");
			if ("/forward".equals(request.getPathInfo())) {
				response.setHeader("X-Before-Forward", "kept");
				dispatcher.forward(request, response);
				return;
			}
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter().println("before include");
			dispatcher.include(request, response);
			response.getWriter().println("after include");
		}

	}

	static class FragmentServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			if (request.getDispatcherType() == DispatcherType.FORWARD) {
				response.setContentType("text/plain;charset=UTF-8");
			}
			else {
				response.setHeader("X-Ignored-In-Include", "set");
			}
			PrintWriter out = response.getWriter();
			out.println("fragment dispatcherType=" + request.getDispatcherType() + " from="
					+ request.getAttribute("from") + " parameters=" + EchoServlet.parameters(request));
			out.println("requestURI=" + request.getRequestURI() + " servletPath=" + request.getServletPath());
			for (String name : List.of(RequestDispatcher.FORWARD_REQUEST_URI, RequestDispatcher.FORWARD_SERVLET_PATH,
					RequestDispatcher.FORWARD_QUERY_STRING, RequestDispatcher.INCLUDE_REQUEST_URI,
					RequestDispatcher.INCLUDE_SERVLET_PATH, RequestDispatcher.INCLUDE_QUERY_STRING)) {
				out.println(name + "=" + request.getAttribute(name));
			}
		}

	}

	/** Reads request trailers (POST) and sends response trailers (GET). */
	static class TrailersServlet extends HttpServlet {

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			byte[] body = request.getInputStream().readAllBytes();
			boolean ready = request.isTrailerFieldsReady();
			Map<String, String> trailers = new TreeMap<>(request.getTrailerFields());
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter()
				.print("body=" + new String(body, StandardCharsets.UTF_8) + " ready=" + ready + " trailers="
						+ trailers);
		}

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setTrailerFields(() -> Map.of("x-digest", "sha-256=abc", "x-status", "complete"));
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter().print("body before trailers");
			response.flushBuffer();
		}

	}

	/** {@code GET}: ISO-8859-1 response; {@code POST}: decodes the body with the request's charset. */
	static class CharsetServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/plain");
			response.setCharacterEncoding("ISO-8859-1");
			response.getWriter().print("caf\u00e9 \u00e0 la cr\u00e8me");
		}

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			String encoding = request.getCharacterEncoding();
			BufferedReader reader = request.getReader();
			StringBuilder text = new StringBuilder();
			for (int c = reader.read(); c >= 0; c = reader.read()) {
				text.append((char) c);
			}
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter().print("encoding=" + encoding + " text=" + text);
		}

	}

	/** Writes, sets headers and a status, then {@code reset()}s and answers something else. */
	static class ResetServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setStatus(500);
			response.setHeader("X-Discarded", "yes");
			response.setContentType("text/html");
			response.getWriter().print("discarded");
			response.reset();
			response.setStatus(202);
			response.setHeader("X-After-Reset", "yes");
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter().print("after reset");
		}

	}

	/** {@code setContentLengthLong} on a body written in two parts. */
	static class ContentLengthServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("application/octet-stream");
			response.setContentLengthLong(10);
			ServletOutputStream out = response.getOutputStream();
			out.write("01234".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			out.write("56789".getBytes(StandardCharsets.US_ASCII));
		}

	}

	/** {@code getParameter} on a form POST consumes the body: {@code getInputStream} then reads nothing. */
	static class ParameterThenStreamServlet extends HttpServlet {

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			String name = request.getParameter("name");
			byte[] rest = request.getInputStream().readAllBytes();
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter().print("name=" + name + " rest.length=" + rest.length);
		}

	}

	/**
	 * {@code /async/complete}: answers from another thread; {@code /async/dispatch}: dispatches to the echo servlet;
	 * {@code /async/timeout}: lets a 200 ms timeout fire and answers from {@code onTimeout}.
	 */
	static class AsyncServlet extends HttpServlet {

		private final ScheduledExecutorService executor;

		AsyncServlet(ScheduledExecutorService executor) {
			this.executor = executor;
		}

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			if (request.getDispatcherType() == DispatcherType.ASYNC) {
				response.setContentType("text/plain;charset=UTF-8");
				response.getWriter().print("dispatched back dispatcherType=" + request.getDispatcherType());
				return;
			}
			AsyncContext async = request.startAsync();
			switch (request.getPathInfo()) {
				case "/complete" -> this.executor.schedule(() -> {
					try {
						response.setContentType("text/plain;charset=UTF-8");
						response.getWriter().print("completed from " + Thread.currentThread().getName());
					}
					catch (IOException ex) {
						response.setStatus(500);
					}
					async.complete();
				}, 50, TimeUnit.MILLISECONDS);
				case "/dispatch" -> this.executor.schedule(() -> async.dispatch(), 50, TimeUnit.MILLISECONDS);
				case "/dispatch-other" -> this.executor.schedule(() -> async.dispatch("/echo/async-target"), 50,
						TimeUnit.MILLISECONDS);
				case "/timeout" -> {
					async.setTimeout(200);
					async.addListener(new TimeoutListener());
				}
				default -> throw new IllegalArgumentException(request.getPathInfo());
			}
		}

	}

	static class TimeoutListener implements AsyncListener {

		@Override
		public void onTimeout(AsyncEvent event) throws IOException {
			HttpServletResponse response = (HttpServletResponse) event.getAsyncContext().getResponse();
			response.setStatus(504);
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter().print("timed out in onTimeout");
			event.getAsyncContext().complete();
		}

		@Override
		public void onComplete(AsyncEvent event) {
		}

		@Override
		public void onError(AsyncEvent event) {
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
		}

	}

	/** Reads the body with a {@link ReadListener}, then writes it back in blocks with a {@link WriteListener}. */
	static class NonBlockingEchoServlet extends HttpServlet {

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			AsyncContext async = request.startAsync();
			ServletInputStream in = request.getInputStream();
			java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
			in.setReadListener(new ReadListener() {

				@Override
				public void onDataAvailable() throws IOException {
					byte[] buffer = new byte[8192];
					while (in.isReady()) {
						int read = in.read(buffer);
						if (read < 0) {
							return;
						}
						received.write(buffer, 0, read);
					}
				}

				@Override
				public void onAllDataRead() throws IOException {
					write(async, response, received.toByteArray());
				}

				@Override
				public void onError(Throwable failure) {
					response.setStatus(500);
					async.complete();
				}

			});
		}

		private static void write(AsyncContext async, HttpServletResponse response, byte[] body) throws IOException {
			byte[] answer = ("received=" + body.length + " sha256=" + sha256(body) + "\n")
				.getBytes(StandardCharsets.UTF_8);
			byte[] content = new byte[answer.length + body.length];
			System.arraycopy(answer, 0, content, 0, answer.length);
			System.arraycopy(body, 0, content, answer.length, body.length);
			response.setContentType("application/octet-stream");
			ServletOutputStream out = response.getOutputStream();
			out.setWriteListener(new WriteListener() {

				private int written;

				@Override
				public void onWritePossible() throws IOException {
					while (out.isReady()) {
						if (this.written == content.length) {
							async.complete();
							return;
						}
						int length = Math.min(4096, content.length - this.written);
						out.write(content, this.written, length);
						this.written += length;
					}
				}

				@Override
				public void onError(Throwable failure) {
					async.complete();
				}

			});
		}

	}

	/**
	 * Server-sent events: {@code GET /sse/stream?id=..} sends 5 events, flushing each and waiting (up to 10 s) for
	 * {@code GET /sse/ack?id=..} before the next one, so the client must have read each event before the next
	 * exists.
	 */
	static class SseServlet extends HttpServlet {

		static final int EVENTS = 5;

		private final Map<String, Semaphore> acks = new ConcurrentHashMap<>();

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			String id = request.getParameter("id");
			Semaphore ack = this.acks.computeIfAbsent(id, (key) -> new Semaphore(0));
			if ("/ack".equals(request.getPathInfo())) {
				ack.release();
				response.setStatus(204);
				return;
			}
			response.setContentType("text/event-stream");
			response.setCharacterEncoding("UTF-8");
			response.setHeader("Cache-Control", "no-cache");
			PrintWriter out = response.getWriter();
			try {
				for (int i = 1; i <= EVENTS; i++) {
					out.print("id: " + i + "\nevent: tick\ndata: event " + i + " \u00e9\n\n");
					response.flushBuffer();
					if (i < EVENTS && !ack.tryAcquire(10, TimeUnit.SECONDS)) {
						out.print("event: error\ndata: no ack for event " + i + "\n\n");
						return;
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.acks.remove(id);
			}
		}

	}

	/** {@code @MultipartConfig} (set on the holder): lists the parts with their size and SHA-256. */
	static class MultipartServlet extends HttpServlet {

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response)
				throws IOException, ServletException {
			response.setContentType("text/plain;charset=UTF-8");
			PrintWriter out = response.getWriter();
			out.println("parameter text=" + request.getParameter("text"));
			for (Part part : request.getParts()) {
				byte[] content = part.getInputStream().readAllBytes();
				out.println("part " + part.getName() + " filename=" + part.getSubmittedFileName() + " type="
						+ part.getContentType() + " size=" + part.getSize() + " sha256=" + sha256(content));
			}
		}

	}

}
