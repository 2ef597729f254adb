package dev.h3servlet.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.servlet.Http3ServletServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The server side of the benchmark, run in a child JVM (so the JDK, and with it the quiche binding, can vary): a
 * Jetty server built by {@link Http3ServletServer}, as an embedding application would: a TLS connector (HTTP/1.1 +
 * HTTP/2) and, unless disabled, the h3servlet HTTP/3 connector. Every endpoint exists twice: under {@code /s/} as a
 * servlet behind {@link dev.h3servlet.servlet.Http3BridgeHandler}, under {@code /raw/} as a
 * plain Jetty core {@link Handler}, to measure what the servlet layer and the bridge cost.
 * <p>
 * Arguments: {@code keyStore password h3(true|false) [setting=value ...]}. When started it prints one line
 * {@code BENCH-READY tls=<port> h3=<port> startMillis=<Server.start() time> binding=<h3 transport, and quiche binding for jetty-quiche>} and serves until
 * its standard input ends.
 */
public final class BenchServer {

	static final int SMALL_BODY_SIZE = 64;

	/** The protocol the server saw, on every small response: proof of the protocol on the server side. */
	static final String PROTOCOL_HEADER = "x-served-over";

	private BenchServer() {
	}

	public static void main(String[] args) throws Exception {
		Path keyStore = Path.of(args[0]);
		String password = args[1];
		boolean h3 = Boolean.parseBoolean(args[2]);
		Http3Settings.Builder settings = Http3Settings.builder().port(0).idleTimeout(Duration.ofSeconds(120));
		BenchTuning tuning = BenchTuning.parse(args, 3);
		tuning.apply(settings);

		ServletHolder browserPages = new ServletHolder(new BrowserPages());
		browserPages.setAsyncSupported(true);
		long[] startNanos = new long[2];
		String[] binding = { "none" };
		Http3ServletServer.Builder builder = Http3ServletServer.builder()
			.keyStore(keyStore, password)
			.host("127.0.0.1")
			.port(0)
			.http3(settings.build())
			.httpConfiguration((configuration) -> {
				configuration.setSendServerVersion(false);
				tuning.apply(configuration);
			})
			.contextPath("/s")
			.servlet("/*", new BenchServlet())
			.servlet("/browser/*", browserPages)
			.server((server) -> {
				((QueuedThreadPool) server.getThreadPool()).setName("bench-server");
				// The raw handlers answer /raw/* before the bridge: what the servlet layer and the bridge cost.
				server.setHandler(new Router(new RawHandler(), server.getHandler()));
				for (Http3Connector http3 : server.getContainedBeans(Http3Connector.class)) {
					tuning.apply(http3);
					// Probed before start, as the connector does: probing bindings while quiche is in use crashed a
					// Java 25 JVM.
					binding[0] = (http3.getHttp3Transport() == Http3Transport.NETTY) ? "netty"
							: "jetty-quiche/" + quicheBinding();
				}
				server.addEventListener(new LifeCycle.Listener() {

					@Override
					public void lifeCycleStarting(LifeCycle event) {
						startNanos[0] = System.nanoTime();
					}

					@Override
					public void lifeCycleStarted(LifeCycle event) {
						startNanos[1] = System.nanoTime();
					}

				});
			});
		if (!h3) {
			builder.withoutHttp3();
		}
		Server server = builder.start();
		long startMillis = Duration.ofNanos(startNanos[1] - startNanos[0]).toMillis();
		int h3Port = server.getContainedBeans(Http3Connector.class).stream().mapToInt(Http3Connector::getLocalPort)
			.findFirst().orElse(-1);
		System.out.println("BENCH-READY tls=" + Http3ServletServer.tlsConnector(server).getLocalPort() + " h3=" + h3Port
				+ " startMillis=" + startMillis + " binding=" + binding[0] + " java=" + Runtime.version());
		System.out.flush();
		try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
			while (in.readLine() != null) {
				// serve until the harness closes our standard input
			}
		}
		finally {
			server.stop();
		}
	}

	/** Used heap after a full collection, for the idle-connection measurement. */
	static long heapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	/** CPU time of the whole server process (all threads, JIT and GC included), for the bridge overhead. */
	static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	static String sha256(MessageDigest digest) {
		return HexFormat.of().formatHex(digest.digest());
	}

	static MessageDigest newSha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static final byte[] SMALL_BODY = "x".repeat(SMALL_BODY_SIZE).getBytes(StandardCharsets.US_ASCII);

	static final byte[] CHUNK = DataPattern.chunk();

	/** {@code /raw/*} to the raw handler, the rest (the {@code /s} context) to the servlet side. */
	static final class Router extends Handler.Abstract {

		private final Handler raw;

		private final Handler servlets;

		Router(Handler raw, Handler servlets) {
			this.raw = raw;
			this.servlets = servlets;
			addBean(raw);
			addBean(servlets);
		}

		@Override
		public void setServer(Server server) {
			super.setServer(server);
			this.raw.setServer(server);
			this.servlets.setServer(server);
		}

		@Override
		public boolean handle(Request request, Response response, Callback callback) throws Exception {
			if (Request.getPathInContext(request).startsWith("/raw/")) {
				return this.raw.handle(request, response, callback);
			}
			return this.servlets.handle(request, response, callback);
		}

	}

	/** The endpoints as a Jetty core handler. */
	static final class RawHandler extends Handler.Abstract {

		@Override
		public boolean handle(Request request, Response response, Callback callback) throws Exception {
			String path = Request.getPathInContext(request);
			switch (path) {
				case "/raw/small" -> {
					response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
					response.getHeaders().put(PROTOCOL_HEADER, request.getConnectionMetaData().getHttpVersion().asString());
					response.getHeaders().put(HttpHeader.CONTENT_LENGTH, SMALL_BODY.length);
					response.write(true, ByteBuffer.wrap(SMALL_BODY), callback);
				}
				case "/raw/download" -> {
					Fields query = Request.extractQueryParameters(request);
					long bytes = Long.parseLong(query.getValue("bytes"));
					response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
					response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes);
					new RawDownload(response, bytes, callback).succeeded();
				}
				case "/raw/upload" -> new RawUpload(request, response, callback).run();
				case "/raw/cpu" -> {
					byte[] answer = Long.toString(processCpuNanos()).getBytes(StandardCharsets.US_ASCII);
					response.write(true, ByteBuffer.wrap(answer), callback);
				}
				case "/raw/heap" -> {
					byte[] answer = Long.toString(heapAfterGc()).getBytes(StandardCharsets.US_ASCII);
					response.write(true, ByteBuffer.wrap(answer), callback);
				}
				default -> {
					return false;
				}
			}
			return true;
		}

	}

	/** Writes {@code bytes} bytes in {@link #CHUNK}-sized writes, one after the other completes. */
	static final class RawDownload implements Callback {

		private final Response response;

		private final Callback callback;

		private long remaining;

		RawDownload(Response response, long bytes, Callback callback) {
			this.response = response;
			this.remaining = bytes;
			this.callback = callback;
		}

		@Override
		public void succeeded() {
			if (this.remaining == 0) {
				this.callback.succeeded();
				return;
			}
			int length = (int) Math.min(CHUNK.length, this.remaining);
			this.remaining -= length;
			this.response.write(this.remaining == 0, ByteBuffer.wrap(CHUNK, 0, length),
					(this.remaining == 0) ? this.callback : this);
		}

		@Override
		public void failed(Throwable failure) {
			this.callback.failed(failure);
		}

	}

	/** Reads a request body into a digest, then answers {@code <count> <sha256>}. */
	static final class RawUpload implements Runnable {

		private final Request request;

		private final Response response;

		private final Callback callback;

		private final MessageDigest digest = newSha256();

		private long count;

		RawUpload(Request request, Response response, Callback callback) {
			this.request = request;
			this.response = response;
			this.callback = callback;
		}

		@Override
		public void run() {
			while (true) {
				Content.Chunk chunk = this.request.read();
				if (chunk == null) {
					this.request.demand(this);
					return;
				}
				if (Content.Chunk.isFailure(chunk)) {
					this.callback.failed(chunk.getFailure());
					return;
				}
				ByteBuffer buffer = chunk.getByteBuffer();
				this.count += buffer.remaining();
				this.digest.update(buffer);
				chunk.release();
				if (chunk.isLast()) {
					byte[] answer = (this.count + " " + sha256(this.digest)).getBytes(StandardCharsets.US_ASCII);
					this.response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.length);
					this.response.write(true, ByteBuffer.wrap(answer), this.callback);
					return;
				}
			}
		}

	}

	/** The quiche binding Jetty uses here: the usable one of highest priority (lowest number). */
	static String quicheBinding() {
		org.eclipse.jetty.quic.quiche.QuicheBinding best = null;
		for (var iterator = java.util.ServiceLoader.load(org.eclipse.jetty.quic.quiche.QuicheBinding.class).iterator();;) {
			org.eclipse.jetty.quic.quiche.QuicheBinding binding;
			try {
				if (!iterator.hasNext()) {
					break;
				}
				binding = iterator.next();
			}
			catch (java.util.ServiceConfigurationError | LinkageError ex) {
				continue;
			}
			if (binding.initialize() == null && (best == null || binding.priority() < best.priority())) {
				best = binding;
			}
		}
		return (best == null) ? "none" : best.getClass().getSimpleName().replace("QuicheBinding", "").toLowerCase(java.util.Locale.ROOT);
	}

	/** The endpoints as a servlet. */
	static final class BenchServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response)
				throws ServletException, IOException {
			switch (request.getPathInfo()) {
				case "/small" -> {
					response.setContentType("text/plain");
					response.setHeader(PROTOCOL_HEADER, request.getProtocol());
					response.setContentLength(SMALL_BODY.length);
					response.getOutputStream().write(SMALL_BODY);
				}
				case "/download" -> {
					long bytes = Long.parseLong(request.getParameter("bytes"));
					response.setContentType("application/octet-stream");
					response.setContentLengthLong(bytes);
					var out = response.getOutputStream();
					for (long remaining = bytes; remaining > 0;) {
						int length = (int) Math.min(CHUNK.length, remaining);
						out.write(CHUNK, 0, length);
						remaining -= length;
					}
				}
				default -> response.sendError(404);
			}
		}

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			if (!"/upload".equals(request.getPathInfo())) {
				response.sendError(404);
				return;
			}
			MessageDigest digest = newSha256();
			byte[] buffer = new byte[64 * 1024];
			long count = 0;
			var in = request.getInputStream();
			for (int read; (read = in.read(buffer)) >= 0;) {
				digest.update(buffer, 0, read);
				count += read;
			}
			response.setContentType("text/plain");
			response.getWriter().print(count + " " + sha256(digest));
		}

	}

	/**
	 * The page for the benchmark's browser transfers ({@code --browser chromium}):
	 * {@code GET /s/browser/page?mode=upload|download&count=N&bytes=B&timeoutMs=T&run=ID} answers an HTML page whose
	 * script makes N transfers one after the other with {@code fetch()}: POSTs of B bytes of {@link DataPattern}
	 * generated in the page to {@code /s/upload} (the page compares the server's SHA-256 with its own, from
	 * {@code crypto.subtle}), or GETs of {@code /s/download?bytes=B} read to the end (byte count and SHA-256 checked
	 * against the one this page states). Each transfer must end within T ms (else the page aborts it: stalled) and must have gone over h3 by its resource
	 * timing ({@code nextHopProtocol}). The page writes one line per transfer into {@code <pre id="results">}:
	 * {@code <n> intact|stalled|failed <seconds> <protocol> <detail>}.
	 * <p>
	 * The page's response stays open until its script posts {@code /s/browser/done?run=ID} after the last transfer
	 * (or until N x T + 60 s have passed): its load event, on which headless Chromium's {@code --dump-dom} prints the
	 * DOM, fires only once every result is in the DOM, and the page's timers and clocks run in real time (no virtual
	 * time budget needed).
	 */
	static final class BrowserPages extends HttpServlet {

		private static final String SCRIPT = """
				const results = document.getElementById('results');
				const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0'))
					.join('');
				const line = (n, status, seconds, protocol, detail) => {
					results.textContent += [n, status, seconds.toFixed(3), protocol,
						String(detail).replace(/\\s+/g, ' ').replace(/[<>&]/g, '?')].join(' ') + '\\n';
				};
				/* DataPattern: a 64 KiB chunk, byte i = i * 31 + (i >>> 8) (mod 256), repeated. */
				function pattern(size) {
					const chunk = new Uint8Array(65536);
					for (let i = 0; i < chunk.length; i++) {
						chunk[i] = i * 31 + (i >>> 8);
					}
					const body = new Uint8Array(size);
					for (let offset = 0; offset < size; offset += chunk.length) {
						body.set(chunk.subarray(0, Math.min(chunk.length, size - offset)), offset);
					}
					return body;
				}
				/* The resource timing entry of a finished fetch may be added a task later: wait for it, at most 1 s. */
				async function protocolOf(url) {
					for (let i = 0; i < 50; i++) {
						const entries = performance.getEntriesByName(url);
						if (entries.length > 0) {
							return entries[entries.length - 1].nextHopProtocol || 'unknown';
						}
						await new Promise((resolve) => setTimeout(resolve, 20));
					}
					return 'no-timing-entry';
				}
				async function transfer(n, send, check) {
					const abort = new AbortController();
					const timer = setTimeout(() => abort.abort(), config.timeoutMs);
					const start = performance.now();
					const progress = { bytes: 0 };
					try {
						const outcome = await send(abort.signal, progress);
						clearTimeout(timer);
						const seconds = (performance.now() - start) / 1000;
						const protocol = await protocolOf(outcome.url);
						const problem = (outcome.status !== 200) ? 'status ' + outcome.status
							: (protocol !== 'h3') ? 'over ' + protocol : await check(outcome);
						line(n, problem ? 'failed' : 'intact', seconds, protocol, problem || outcome.detail);
					}
					catch (error) {
						clearTimeout(timer);
						const seconds = (performance.now() - start) / 1000;
						line(n, abort.signal.aborted ? 'stalled' : 'failed', seconds, '-',
							error.name + ': ' + error.message + ' (' + progress.bytes + ' response bytes)');
					}
				}
				function url(path, n) {
					const separator = path.includes('?') ? '&' : '?';
					return new URL(path + separator + 'run=' + config.run + '&n=' + n, location.href).href;
				}
				async function uploads() {
					const body = pattern(config.bytes);
					const expected = body.length + ' ' + hex(await crypto.subtle.digest('SHA-256', body));
					for (let n = 1; n <= config.count; n++) {
						await transfer(n, async (signal) => {
							const target = url('/s/upload', n);
							const response = await fetch(target, { method: 'POST', body, cache: 'no-store', signal,
								headers: { 'Content-Type': 'application/octet-stream' } });
							const answer = (await response.text()).trim();
							return { url: target, status: response.status, detail: answer };
						}, async (outcome) => (outcome.detail === expected) ? null
							: 'answer ' + outcome.detail + ', expected ' + expected);
					}
				}
				async function downloads() {
					const buffer = new Uint8Array(config.bytes);
					for (let n = 1; n <= config.count; n++) {
						await transfer(n, async (signal, progress) => {
							const target = url('/s/download?bytes=' + config.bytes, n);
							const response = await fetch(target, { cache: 'no-store', signal });
							const reader = response.body.getReader();
							for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
								if (progress.bytes + chunk.value.length > buffer.length) {
									throw new Error('more than ' + buffer.length + ' bytes');
								}
								buffer.set(chunk.value, progress.bytes);
								progress.bytes += chunk.value.length;
							}
							return { url: target, status: response.status, bytes: progress.bytes };
						}, async (outcome) => {
							if (outcome.bytes !== buffer.length) {
								return outcome.bytes + ' of ' + buffer.length + ' bytes';
							}
							const sha256 = hex(await crypto.subtle.digest('SHA-256', buffer));
							outcome.detail = outcome.bytes + ' bytes, sha256 ' + sha256;
							return (sha256 === config.sha256) ? null
								: 'sha256 ' + sha256 + ', expected ' + config.sha256;
						});
					}
				}
				(async () => {
					const navigation = performance.getEntriesByType('navigation')[0];
					document.getElementById('page').textContent = navigation ? navigation.nextHopProtocol : 'unknown';
					document.getElementById('agent').textContent = navigator.userAgent;
					try {
						await ((config.mode === 'upload') ? uploads() : downloads());
						document.getElementById('state').textContent = 'done';
					}
					catch (error) {
						document.getElementById('state').textContent = 'failed: ' + error;
					}
					finally {
						fetch('/s/browser/done?run=' + config.run, { method: 'POST', cache: 'no-store' })
							.catch(() => {});
					}
				})();
				""";

		/** Pages whose response is still open, by run id. */
		private final Map<String, AsyncContext> open = new ConcurrentHashMap<>();

		/** SHA-256 of the download pattern, by size. */
		private final Map<Long, String> downloadSha256 = new ConcurrentHashMap<>();

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			if (!"/page".equals(request.getPathInfo())) {
				response.sendError(404);
				return;
			}
			String mode = request.getParameter("mode");
			String run = request.getParameter("run");
			int count = parameter(request, "count", 1, 1000);
			long bytes = parameter(request, "bytes", 1, 1_000_000_000);
			long timeoutMillis = parameter(request, "timeoutMs", 1, 3_600_000);
			if (!("upload".equals(mode) || "download".equals(mode)) || run == null || !run.matches("[A-Za-z0-9-]{1,64}")
					|| count < 0 || bytes < 0 || timeoutMillis < 0) {
				response.sendError(400, "expected mode=upload|download, run=[A-Za-z0-9-]{1,64}, count=1..1000, "
						+ "bytes=1..10^9, timeoutMs=1..3600000");
				return;
			}
			String config = "{ mode: '" + mode + "', run: '" + run + "', count: " + count + ", bytes: " + bytes
					+ ", timeoutMs: " + timeoutMillis + ", sha256: '"
					+ ("download".equals(mode) ? this.downloadSha256.computeIfAbsent(bytes, BrowserPages::patternSha256)
							: "") + "' }";
			AsyncContext async = request.startAsync();
			async.setTimeout(count * timeoutMillis + 60_000);
			async.addListener(new AsyncListener() {

				@Override
				public void onTimeout(AsyncEvent event) {
					if (BrowserPages.this.open.remove(run, async)) {
						finish(async, "timed out");
					}
				}

				@Override
				public void onError(AsyncEvent event) {
					BrowserPages.this.open.remove(run, async);
				}

				@Override
				public void onComplete(AsyncEvent event) {
					BrowserPages.this.open.remove(run, async);
				}

				@Override
				public void onStartAsync(AsyncEvent event) {
				}

			});
			this.open.put(run, async);
			response.setContentType("text/html;charset=utf-8");
			response.setHeader("Cache-Control", "no-store");
			PrintWriter out = response.getWriter();
			out.print("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>h3servlet bench: browser " + mode
					+ "s</title><link rel=\"icon\" href=\"data:,\"></head><body>\n<div id=\"page\"></div>"
					+ "<div id=\"agent\"></div><div id=\"state\">running</div><pre id=\"results\"></pre>\n<script>\n"
					+ "'use strict';\nconst config = " + config + ";\n" + SCRIPT + "</script>\n");
			// The script runs as soon as it arrives; the rest of the document follows when the page is done.
			response.flushBuffer();
		}

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			if (!"/done".equals(request.getPathInfo())) {
				response.sendError(404);
				return;
			}
			String run = request.getParameter("run");
			AsyncContext async = (run != null) ? this.open.remove(run) : null;
			if (async == null) {
				response.sendError(404, "no open page for run " + run);
				return;
			}
			finish(async, "done");
			response.setStatus(204);
		}

		/** Ends an open page's document (and so lets its load event fire). */
		private static void finish(AsyncContext async, String how) {
			try {
				async.getResponse().getWriter().print("<div id=\"end\">" + how + "</div></body></html>\n");
			}
			catch (IOException ex) {
				// the browser has gone; complete all the same
			}
			async.complete();
		}

		/** A bounded integer parameter, or -1 when it is missing, not a number or out of bounds. */
		private static int parameter(HttpServletRequest request, String name, int min, int max) {
			String value = request.getParameter(name);
			try {
				int number = (value != null) ? Integer.parseInt(value) : -1;
				return (number >= min && number <= max) ? number : -1;
			}
			catch (NumberFormatException ex) {
				return -1;
			}
		}

		private static String patternSha256(long bytes) {
			MessageDigest digest = newSha256();
			for (long remaining = bytes; remaining > 0;) {
				int length = (int) Math.min(CHUNK.length, remaining);
				digest.update(CHUNK, 0, length);
				remaining -= length;
			}
			return sha256(digest);
		}

	}

}
