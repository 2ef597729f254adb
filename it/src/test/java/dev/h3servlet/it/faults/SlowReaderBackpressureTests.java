package dev.h3servlet.it.faults;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.testapp.DeterministicBytes;
import dev.h3servlet.test.NettyHttp3Client;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Backpressure on the netty transport: a servlet that reads a large upload slowly holds the server's memory near the
 * stream's flow-control window, because the transport reads from quiche only on the servlet's demand (plus a small
 * read-ahead) and quiche grants the client credit only as it is read. Without that, the upload would pile up in Java
 * buffers as fast as the client sends.
 * <p>
 * A Netty client sends {@link #UPLOAD_MB} MiB (24 by default) as fast as flow control lets it; the servlet reads 16 KiB, then sleeps
 * 2 ms (about 8 MB/s). Sampled every 50 ms: the JVM's direct memory and heap (client and server share the JVM; the
 * client only ever holds what it is allowed to send). The body arrives intact (SHA-256).
 */
class SlowReaderBackpressureTests {

	/** 24 MiB in the build; {@code -Dh3servlet.slowReader.mib=1024} measures a 1 GiB upload by hand (about 3 min). */
	private static final int UPLOAD_MB = Integer.getInteger("h3servlet.slowReader.mib", 24);

	private static final long UPLOAD = UPLOAD_MB * 1024L * 1024;

	/** The transport's default stream window is 16 MiB; its Java-side buffering is a read-ahead of 16 KiB. */
	private static final long MAX_DIRECT_GROWTH = 6L * 1024 * 1024;

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension(
			(builder) -> builder.servlet("/slow", new SlowReader()));

	@Test
	void aSlowReaderHoldsTheUploadInQuicheNotInJava() throws Exception {
		assumeTrue(TestTransport.is(Http3Transport.NETTY), "the netty transport's own backpressure");
		BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
			.stream()
			.filter((pool) -> pool.getName().equals("direct"))
			.findFirst()
			.orElseThrow();
		System.gc();
		long directBefore = direct.getMemoryUsed();
		long heapBefore = heapUsed();
		AtomicLong directPeak = new AtomicLong(directBefore);
		AtomicLong heapPeak = new AtomicLong(heapBefore);
		long rssBefore = residentSetSize();
		AtomicLong rssPeak = new AtomicLong(rssBefore);
		ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
		sampler.scheduleAtFixedRate(() -> {
			directPeak.accumulateAndGet(direct.getMemoryUsed(), Math::max);
			heapPeak.accumulateAndGet(heapUsed(), Math::max);
			rssPeak.accumulateAndGet(residentSetSize(), Math::max);
		}, 0, 50, TimeUnit.MILLISECONDS);
		long start = System.nanoTime();
		NettyHttp3Client.Response response;
		try (NettyHttp3Client client = NettyHttp3Client.connect(new InetSocketAddress("127.0.0.1", server.http3Port()),
				server.certificate().certificate(), Duration.ofSeconds(60 + UPLOAD_MB))) {
			InputStream body = DeterministicBytes.stream(UPLOAD);
			response = client.send(NettyHttp3Client.Request.post("/slow", body, UPLOAD));
		}
		finally {
			sampler.shutdownNow();
			sampler.awaitTermination(5, TimeUnit.SECONDS);
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		long directGrowth = directPeak.get() - directBefore;
		System.out.printf("Slow reader: %d MiB in %d ms (%.1f MB/s); direct memory %s -> peak %s (+%s); heap used %s -> "
				+ "peak %s; process resident set (quiche's native buffers included) %s -> peak %s%n", UPLOAD_MB, millis,
				UPLOAD / 1e6 / (millis / 1e3), mib(directBefore), mib(directPeak.get()), mib(directGrowth),
				mib(heapBefore), mib(heapPeak.get()), mib(rssBefore), mib(rssPeak.get()));
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.bodyAsString()).isEqualTo("read=" + UPLOAD + " sha256=" + DeterministicBytes.sha256Hex(UPLOAD));
		assertThat(directGrowth).as("direct memory growth while a slow servlet reads a %d MiB upload", UPLOAD_MB)
			.isLessThan(MAX_DIRECT_GROWTH);
	}

	private static long heapUsed() {
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	/** The process's resident set from {@code /proc/self/statm} (4 KiB pages), or 0 where there is none. */
	private static long residentSetSize() {
		try {
			String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/statm")).trim().split(" ");
			return Long.parseLong(fields[1]) * 4096;
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	private static String mib(long bytes) {
		return String.format("%.1f MiB", bytes / 1024.0 / 1024.0);
	}

	/** Reads the body 16 KiB at a time with a pause after each, and answers its length and SHA-256. */
	static final class SlowReader extends HttpServlet {

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			java.security.MessageDigest digest = DeterministicBytes.sha256();
			byte[] buffer = new byte[16 * 1024];
			long read = 0;
			InputStream in = request.getInputStream();
			for (int n; (n = in.read(buffer)) != -1;) {
				digest.update(buffer, 0, n);
				read += n;
				try {
					Thread.sleep(2);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IOException(ex);
				}
			}
			response.setContentType("text/plain");
			response.getWriter().print("read=" + read + " sha256=" + java.util.HexFormat.of().formatHex(digest.digest()));
		}

	}

}
