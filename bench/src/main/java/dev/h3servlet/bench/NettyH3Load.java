package dev.h3servlet.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.testing.NettyHttp3Client;
import dev.h3servlet.connector.testing.NettyHttp3Client.Request;
import dev.h3servlet.connector.testing.NettyHttp3Client.Response;

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

	/** One repeat of sequential GETs on one connection, each checked: rate and latency. */
	Load.Sequential sequential(NettyHttp3Client client, String path, long millis, int maxRequests) throws IOException {
		long[] latencies = new long[maxRequests];
		int count = 0;
		long start = System.nanoTime();
		long deadline = start + TimeUnit.MILLISECONDS.toNanos(millis);
		while (count < maxRequests && System.nanoTime() < deadline) {
			long begin = System.nanoTime();
			Response response = client.send(Request.get(path));
			latencies[count++] = System.nanoTime() - begin;
			checkSmall(path, response);
		}
		return Load.Sequential.of(latencies, count, start);
	}

	/**
	 * One repeat of {@code perConnection} GETs kept in flight on each connection until the time is up: completed
	 * requests per second. Any failed or wrong answer fails the repeat.
	 */
	double concurrent(List<NettyHttp3Client> connections, String path, int perConnection, long millis)
			throws InterruptedException {
		List<Load.AsyncRequest> loops = new ArrayList<>();
		for (NettyHttp3Client connection : connections) {
			for (int i = 0; i < perConnection; i++) {
				loops.add((outcome) -> connection.sendAsync(Request.get(path))
					.orTimeout(10, TimeUnit.SECONDS)
					.whenComplete((response, error) -> outcome
						.accept((error != null) ? error.toString() : smallProblem(path, response))));
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

	private static void checkSmall(String path, Response response) {
		String problem = smallProblem(path, response);
		Load.check(problem == null, () -> problem);
	}

	/** Why a small response is wrong (status, or the server did not see HTTP/3), or {@code null}. */
	private static String smallProblem(String path, Response response) {
		if (response.status() == 200 && "HTTP/3.0".equals(response.header(BenchServer.PROTOCOL_HEADER))) {
			return null;
		}
		return path + " answered " + response.status() + ", served over " + response.header(BenchServer.PROTOCOL_HEADER);
	}

}
