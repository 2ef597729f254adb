package dev.h3servlet.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.h3servlet.test.NettyHttp3Client;
import dev.h3servlet.test.NettyHttp3Client.Request;
import dev.h3servlet.test.NettyHttp3Client.Response;

/**
 * The HTTP/3 load generator: Netty's HTTP/3 client (quiche and BoringSSL over JNI), asynchronous, N connections with M
 * requests in flight each. Jetty's HTTP/3 client gets ~10 times fewer requests through the same server, so it would
 * measure itself; {@link Bench} proves this one's headroom in every run against Netty's own HTTP/3 server. Every loop
 * is bounded by a count and a time, and every answer is checked (status, the protocol the server saw, sizes, SHA-256).
 */
final class NettyH3Load {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final InetSocketAddress server;

	private final X509Certificate trusted;

	NettyH3Load(int port, X509Certificate trusted) {
		this.server = new InetSocketAddress("127.0.0.1", port);
		this.trusted = trusted;
	}

	/** A new connection; close it. */
	NettyHttp3Client connect() throws IOException {
		return NettyHttp3Client.connect(this.server, this.trusted, TIMEOUT);
	}

	/** One repeat of sequential GETs of a bench server's small response on one connection: rate and latency. */
	Load.Sequential sequential(NettyHttp3Client client, String path, long millis, int maxRequests) throws IOException {
		return sequential(client, path, millis, maxRequests, (response) -> smallProblem(path, response));
	}

	/** As {@link #concurrent(List, String, int, long, Function)}, against a bench server's small response. */
	double concurrent(List<NettyHttp3Client> connections, String path, int perConnection, long millis)
			throws InterruptedException {
		return concurrent(connections, path, perConnection, millis, (response) -> smallProblem(path, response));
	}

	/**
	 * One repeat of sequential GETs on one connection, each checked by {@code problem} (why an answer is wrong, or
	 * {@code null}): rate and latency.
	 */
	Load.Sequential sequential(NettyHttp3Client client, String path, long millis, int maxRequests,
			Function<Response, String> problem) throws IOException {
		long[] latencies = new long[maxRequests];
		int count = 0;
		long start = System.nanoTime();
		long deadline = start + TimeUnit.MILLISECONDS.toNanos(millis);
		while (count < maxRequests && System.nanoTime() < deadline) {
			long begin = System.nanoTime();
			Response response = client.send(Request.get(path));
			latencies[count++] = System.nanoTime() - begin;
			String wrong = problem.apply(response);
			Load.check(wrong == null, () -> wrong);
		}
		return Load.Sequential.of(latencies, count, start);
	}

	/**
	 * One repeat of {@code perConnection} GETs kept in flight on each connection until the time is up: completed
	 * requests per second. Any failed or wrong answer fails the repeat.
	 */
	double concurrent(List<NettyHttp3Client> connections, String path, int perConnection, long millis,
			Function<Response, String> problem) throws InterruptedException {
		List<Load.AsyncRequest> loops = new ArrayList<>();
		for (NettyHttp3Client connection : connections) {
			for (int i = 0; i < perConnection; i++) {
				loops.add((outcome) -> connection.sendAsync(Request.get(path))
					.orTimeout(10, TimeUnit.SECONDS)
					.whenComplete((response, error) -> outcome
						.accept((error != null) ? error.toString() : problem.apply(response))));
			}
		}
		return Load.closedLoop(loops, millis, "concurrent h3 requests");
	}

	/** One download of {@code bytes} bytes on a connection, its size checked: MB/s (10^6 bytes per second). */
	double download(NettyHttp3Client client, String path, int bytes) throws IOException {
		long start = System.nanoTime();
		Response response = client.send(Request.get(path + "?bytes=" + bytes));
		double seconds = (System.nanoTime() - start) / 1e9;
		Load.check(response.status() == 200 && response.body().length == bytes,
				() -> "h3 download: " + response.status() + ", " + response.body().length + " bytes");
		return bytes / seconds / 1e6;
	}

	/** One upload, answered with its size and SHA-256, both checked: MB/s. */
	double upload(NettyHttp3Client client, String path, byte[] body, String sha256) throws IOException {
		long start = System.nanoTime();
		Response response = client.send(Request.post(path, new ByteArrayInputStream(body), body.length));
		double seconds = (System.nanoTime() - start) / 1e9;
		Load.check(response.status() == 200 && response.bodyAsString().trim().equals(body.length + " " + sha256),
				() -> "h3 upload: " + response + " " + response.bodyAsString());
		return body.length / seconds / 1e6;
	}

	/**
	 * One upload of the reliability run ({@code --uploads}) on a new connection, closed afterwards: intact when the
	 * answer is status 200 with the body's size and SHA-256, stalled when no complete answer came within
	 * {@code timeout}, failed otherwise. Its seconds run from sending the request to the answer (not the handshake).
	 */
	Load.Transfer uploadOnce(String path, byte[] body, String sha256, Duration timeout) throws InterruptedException {
		ByteArrayInputStream in = new ByteArrayInputStream(body);
		String expected = body.length + " " + sha256;
		return once(Request.post(path, in, body.length), timeout, (response) -> {
			String answer = response.bodyAsString().trim();
			return (response.status() == 200 && answer.equals(expected)) ? null
					: "status " + response.status() + ", answer '" + answer + "', expected '" + expected + "'";
		}, () -> (body.length - in.available()) + " of " + body.length + " body bytes handed to the client");
	}

	/**
	 * One download of the reliability run ({@code --downloads}) on a new connection, closed afterwards: intact when
	 * the answer is status 200 with exactly {@code bytes} bytes of {@link DataPattern} (compared byte for byte as they
	 * arrive, nothing kept), stalled when it did not end within {@code timeout}, failed otherwise.
	 */
	Load.Transfer downloadOnce(String path, int bytes, Duration timeout) throws InterruptedException {
		PatternCheck check = new PatternCheck();
		Request request = Request.get(path + "?bytes=" + bytes).onResponseContent(check);
		return once(request, timeout, (response) -> (response.status() == 200 && check.received == bytes
				&& check.firstMismatch < 0) ? null : "status " + response.status() + ", " + check, check::toString);
	}

	/** A new connection, one request bounded by {@code timeout}, the connection closed whatever happened. */
	private Load.Transfer once(Request request, Duration timeout, Function<Response, String> problem,
			Supplier<String> progress) throws InterruptedException {
		long begin = System.nanoTime();
		NettyHttp3Client client;
		try {
			// Its QUIC idle timeout (and every other bound of the client) outlasts the transfer's: a silent
			// connection counts as stalled, not as failed.
			client = NettyHttp3Client.connect(this.server, this.trusted, timeout.plus(TIMEOUT));
		}
		catch (IOException ex) {
			return new Load.Transfer(false, false, secondsSince(begin), "connect: " + ex);
		}
		try {
			long start = System.nanoTime();
			CompletableFuture<Response> result = client.sendAsync(request);
			try {
				Response response = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
				double seconds = secondsSince(start);
				String failure = problem.apply(response);
				return new Load.Transfer(failure == null, false, seconds, failure);
			}
			catch (TimeoutException ex) {
				return new Load.Transfer(false, true, secondsSince(start), "no complete response in "
						+ timeout.toSeconds() + " s: " + progress.get() + "; " + client.diagnostics());
			}
			catch (ExecutionException ex) {
				return new Load.Transfer(false, false, secondsSince(start), ex.getCause() + "; " + progress.get());
			}
		}
		finally {
			closeAll(List.of(client));
		}
	}

	private static double secondsSince(long startNanos) {
		return (System.nanoTime() - startNanos) / 1e9;
	}

	/** Opens {@code count} connections; the caller closes them with {@link #closeAll}. */
	List<NettyHttp3Client> connectAll(int count) throws IOException {
		List<NettyHttp3Client> connections = new ArrayList<>();
		try {
			for (int i = 0; i < count; i++) {
				connections.add(connect());
			}
			return connections;
		}
		catch (IOException ex) {
			closeAll(connections);
			throw ex;
		}
	}

	static void closeAll(List<NettyHttp3Client> connections) {
		for (NettyHttp3Client connection : connections) {
			try {
				connection.close();
			}
			catch (IOException ex) {
				System.err.println("  closing an h3 connection failed: " + ex);
			}
		}
	}

	/** Why a bench server's small response is wrong (status, or it did not see HTTP/3), or {@code null}. */
	static String smallProblem(String path, Response response) {
		if (response.status() == 200 && "HTTP/3.0".equals(response.header(BenchServer.PROTOCOL_HEADER))) {
			return null;
		}
		return path + " answered " + response.status() + ", served over " + response.header(BenchServer.PROTOCOL_HEADER);
	}

	/**
	 * Compares a response body with {@link DataPattern} as it arrives, on the client's event loop: how many bytes came
	 * and the offset of the first one that differs. Read from other threads only after the response ended or timed out.
	 */
	private static final class PatternCheck implements Consumer<ByteBuffer> {

		private static final ByteBuffer PATTERN = ByteBuffer.wrap(DataPattern.chunk()).asReadOnlyBuffer();

		private volatile long received;

		private volatile long firstMismatch = -1;

		@Override
		public void accept(ByteBuffer content) {
			while (content.hasRemaining()) {
				int offset = (int) (this.received % DataPattern.CHUNK_SIZE);
				int length = Math.min(content.remaining(), DataPattern.CHUNK_SIZE - offset);
				ByteBuffer actual = content.duplicate();
				actual.limit(actual.position() + length);
				ByteBuffer expected = PATTERN.duplicate();
				expected.position(offset).limit(offset + length);
				int mismatch = actual.mismatch(expected);
				if (mismatch >= 0 && this.firstMismatch < 0) {
					this.firstMismatch = this.received + mismatch;
				}
				content.position(content.position() + length);
				this.received += length;
			}
		}

		@Override
		public String toString() {
			return this.received + " bytes received" + ((this.firstMismatch < 0) ? ", all as the pattern"
					: ", the first differing at offset " + this.firstMismatch);
		}

	}

}
