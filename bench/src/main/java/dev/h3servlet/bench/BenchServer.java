package dev.h3servlet.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3Connectors;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.servlet.Http3BridgeHandler;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The server side of the benchmark, run in a child JVM (so the JDK, and with it the quiche binding, can vary): a
 * Jetty server with a TLS connector (HTTP/1.1 + HTTP/2) and, unless disabled, the h3servlet HTTP/3 connector. Every
 * endpoint exists twice: under {@code /s/} as a servlet behind {@link Http3BridgeHandler}, under {@code /raw/} as a
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

		QueuedThreadPool threads = new QueuedThreadPool(200);
		threads.setName("bench-server");
		Server server = new Server(threads);
		HttpConfiguration httpConfiguration = new HttpConfiguration();
		httpConfiguration.setSecureScheme("https");
		httpConfiguration.setSendServerVersion(false);
		tuning.apply(httpConfiguration);
		SslContextFactory.Server ssl = new SslContextFactory.Server();
		ssl.setKeyStorePath(keyStore.toString());
		ssl.setKeyStorePassword(password);
		HttpConnectionFactory http11 = new HttpConnectionFactory(httpConfiguration);
		HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(httpConfiguration);
		ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
		alpn.setDefaultProtocol(http11.getProtocol());
		ServerConnector tls = new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, http2,
				http11);
		tls.setHost("127.0.0.1");
		tls.setPort(0);
		server.addConnector(tls);
		Http3Connector http3 = h3 ? Http3Connectors.install(tls, settings.build()) : null;
		if (http3 != null) {
			tuning.apply(http3);
		}

		ServletContextHandler context = new ServletContextHandler("/s");
		context.addServlet(new ServletHolder(new BenchServlet()), "/*");
		server.setHandler(new Router(new RawHandler(), new Http3BridgeHandler(context)));

		// Probed before start, as the connector does: probing bindings while quiche is in use crashed a Java 25 JVM.
		String binding = (http3 == null) ? "none"
				: (http3.getHttp3Transport() == dev.h3servlet.connector.Http3Transport.NETTY) ? "netty"
						: "jetty-quiche/" + quicheBinding();
		long start = System.nanoTime();
		server.start();
		long startMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
		System.out.println("BENCH-READY tls=" + tls.getLocalPort() + " h3=" + ((http3 != null) ? http3.getLocalPort() : -1)
				+ " startMillis=" + startMillis + " binding="
				+ binding
				+ " java=" + Runtime.version());
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

}
