package dev.h3servlet.connector;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.sun.management.OperatingSystemMXBean;
import dev.h3servlet.connector.testing.TestServers;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.test.JettyClients;
import dev.h3servlet.test.NettyHttp3Client;
import dev.h3servlet.test.TestCertificate;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A latency probe, not part of the suite (the name matches none of surefire's default includes): one plain Jetty
 * server with the HTTP/3 connector and a trivial core handler, and sequential GETs on one connection from Jetty's
 * HTTP/3 client, Netty's HTTP/3 client and Jetty's HTTP/2 client. It prints, per client, the latency distribution,
 * the process CPU time per request and the Java threads' CPU time per request by thread group (server, client), so
 * client-side and server-side cost can be told apart. Run by hand:
 * <pre>
 * mvn -q -pl connector test -Dtest=LatencyProbe -Dsurefire.failIfNoSpecifiedTests=false -Dprobe.n=1500 \
 *     -Dio.netty.leakDetection.level=disabled
 * grep PROBE connector/target/surefire-reports/dev.h3servlet.connector.LatencyProbe-output.txt
 * </pre>
 * Options: {@code -Dprobe.n} (requests per client, default 200), {@code -Dprobe.clients} (default
 * {@code jetty-h3,netty-h3,jetty-h2}; {@code netty-h3-8x8} and {@code jetty-h2-64} keep 64 requests in flight, over 8
 * QUIC connections or one HTTP/2 connection, and report the rate), {@code -Dh3servlet.test.transport} (the server's
 * HTTP/3 transport: {@code netty}, the default, or {@code jetty-quiche}); on Java 25 (foreign quiche binding) add
 * {@code -Djvm=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -DargLine=--enable-native-access=ALL-UNNAMED}.
 */
class LatencyProbe {

	private static final int WARM_UP = 50;

	@TempDir
	Path directory;

	@Test
	void sequentialGets() throws Exception {
		TestCertificate certificate = TestCertificate.create(this.directory);
		Server server = newServer(certificate);
		server.start();
		try {
			int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
			int n = Integer.getInteger("probe.n", 200);
			for (String client : System.getProperty("probe.clients", "jetty-h3,netty-h3,jetty-h2").split(",")) {
				measure(client, port, certificate, n);
			}
		}
		finally {
			server.stop();
		}
	}

	private void measure(String client, int port, TestCertificate certificate, int n) throws Exception {
		if (client.endsWith("-8x8") || client.endsWith("-64")) {
			measureConcurrent(client, port, certificate, n);
			return;
		}
		long[] latencies = new long[n];
		long[] cpu = new long[2];
		Map<String, Long> threadsBefore;
		Map<String, Long> threadsAfter;
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		if (client.startsWith("jetty-")) {
			boolean h3 = client.equals("jetty-h3");
			HttpClient http = h3 ? JettyClients.http3() : JettyClients.http2();
			try {
				URI uri = URI.create("https://127.0.0.1:" + port + "/");
				String expected = h3 ? "HTTP/3.0" : "HTTP/2.0";
				for (int i = 0; i < WARM_UP; i++) {
					http.newRequest(uri).timeout(10, TimeUnit.SECONDS).send();
				}
				threadsBefore = threadCpu();
				cpu[0] = os.getProcessCpuTime();
				for (int i = 0; i < n; i++) {
					long start = System.nanoTime();
					ContentResponse response = http.newRequest(uri).timeout(10, TimeUnit.SECONDS).send();
					latencies[i] = System.nanoTime() - start;
					assertThat(response.getStatus()).isEqualTo(200);
					assertThat(response.getVersion()).isEqualTo(h3 ? HttpVersion.HTTP_3 : HttpVersion.HTTP_2);
					assertThat(response.getContentAsString()).isEqualTo(expected);
				}
				cpu[1] = os.getProcessCpuTime();
				threadsAfter = threadCpu();
			}
			finally {
				http.stop();
			}
		}
		else {
			try (NettyHttp3Client netty = NettyHttp3Client.connect(new InetSocketAddress("127.0.0.1", port),
					certificate.certificate())) {
				assertThat(netty.applicationProtocol()).isEqualTo("h3");
				for (int i = 0; i < WARM_UP; i++) {
					netty.send(NettyHttp3Client.Request.get("/"));
				}
				threadsBefore = threadCpu();
				cpu[0] = os.getProcessCpuTime();
				for (int i = 0; i < n; i++) {
					long start = System.nanoTime();
					NettyHttp3Client.Response response = netty.send(NettyHttp3Client.Request.get("/"));
					latencies[i] = System.nanoTime() - start;
					assertThat(response.status()).isEqualTo(200);
					assertThat(response.bodyAsString()).isEqualTo("HTTP/3.0");
				}
				cpu[1] = os.getProcessCpuTime();
				threadsAfter = threadCpu();
			}
		}
		long total = Arrays.stream(latencies).sum();
		Arrays.sort(latencies);
		System.out.printf("PROBE %-9s n=%d req/s=%.0f p10=%dus p50=%dus p90=%dus p99=%dus max=%dus process-cpu/req=%dus%n",
				client, n, n / (total / 1e9), micros(latencies[n / 10]), micros(latencies[n / 2]),
				micros(latencies[n * 9 / 10]), micros(latencies[n * 99 / 100]), micros(latencies[n - 1]),
				micros((cpu[1] - cpu[0]) / n));
		Map<String, Long> byGroup = new TreeMap<>();
		threadsAfter.forEach((name, time) -> byGroup.merge(name.replaceAll("#[0-9]+$", "").replaceAll("([-@][0-9a-f]+)+$", ""),
				time - threadsBefore.getOrDefault(name, 0L), Long::sum));
		byGroup.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() / n >= 10_000)
			.sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
			.forEach((entry) -> System.out.printf("PROBE   %-9s threads %-30s cpu/req=%dus%n", client, entry.getKey(),
					micros(entry.getValue() / n)));
	}

	/** Keeps 64 requests in flight until n have completed: the request rate and the process CPU per request. */
	private void measureConcurrent(String client, int port, TestCertificate certificate, int n) throws Exception {
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		java.util.function.Supplier<java.util.concurrent.CompletableFuture<String>> send;
		java.util.List<AutoCloseable> closeables = new java.util.ArrayList<>();
		if (client.startsWith("netty-")) {
			java.util.List<NettyHttp3Client> connections = new java.util.ArrayList<>();
			for (int i = 0; i < 8; i++) {
				NettyHttp3Client netty = NettyHttp3Client.connect(new InetSocketAddress("127.0.0.1", port),
						certificate.certificate());
				connections.add(netty);
				closeables.add(netty);
			}
			java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
			send = () -> connections.get(Math.floorMod(next.getAndIncrement(), connections.size()))
				.sendAsync(NettyHttp3Client.Request.get("/"))
				.thenApply(NettyHttp3Client.Response::bodyAsString);
		}
		else {
			HttpClient http = JettyClients.http2();
			closeables.add(http::stop);
			URI uri = URI.create("https://127.0.0.1:" + port + "/");
			send = () -> {
				java.util.concurrent.CompletableFuture<String> result = new java.util.concurrent.CompletableFuture<>();
				http.newRequest(uri).timeout(10, TimeUnit.SECONDS).send(new org.eclipse.jetty.client.BufferingResponseListener() {
					@Override
					public void onComplete(org.eclipse.jetty.client.Result r) {
						if (r.isFailed()) {
							result.completeExceptionally(r.getFailure());
						}
						else {
							result.complete(getContentAsString());
						}
					}
				});
				return result;
			};
		}
		try {
			String expected = client.startsWith("netty-") ? "HTTP/3.0" : "HTTP/2.0";
			runWindow(send, Math.max(WARM_UP * 20, n / 5), expected);
			long cpu = os.getProcessCpuTime();
			long start = System.nanoTime();
			runWindow(send, n, expected);
			long elapsed = System.nanoTime() - start;
			System.out.printf("PROBE %-13s n=%d in-flight=64 req/s=%.0f process-cpu/req=%dus%n", client, n,
					n / (elapsed / 1e9), micros((os.getProcessCpuTime() - cpu) / n));
		}
		finally {
			for (AutoCloseable closeable : closeables) {
				closeable.close();
			}
		}
	}

	private static void runWindow(java.util.function.Supplier<java.util.concurrent.CompletableFuture<String>> send,
			int n, String expected) throws Exception {
		java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(64);
		java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(n);
		java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
		for (int i = 0; i < n && failure.get() == null; i++) {
			if (!window.tryAcquire(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("no response within 10 s");
			}
			send.get().whenComplete((body, cause) -> {
				if (cause != null || !expected.equals(body)) {
					failure.compareAndSet(null, (cause != null) ? cause : new IllegalStateException(body));
				}
				window.release();
				done.countDown();
			});
		}
		assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
		assertThat(failure.get()).isNull();
	}

	private static long micros(long nanos) {
		return nanos / 1000;
	}

	/** CPU time of every live Java thread, by "name#id" (JIT and GC threads are not Java threads). */
	private static Map<String, Long> threadCpu() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		Map<String, Long> times = new HashMap<>();
		for (long id : threads.getAllThreadIds()) {
			ThreadInfo info = threads.getThreadInfo(id);
			long time = threads.getThreadCpuTime(id);
			if (info != null && time > 0) {
				times.put(info.getThreadName() + "#" + id, time);
			}
		}
		return times;
	}

	private static Server newServer(TestCertificate certificate) {
		Server server = TestServers.newServer(certificate.newServerSslContextFactory());
		Http3Connectors.install(server, TestTransport.settings().build());
		return server;
	}

}
