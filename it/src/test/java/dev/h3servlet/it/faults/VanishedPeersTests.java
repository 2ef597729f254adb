package dev.h3servlet.it.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3ConnectorStatistics;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.it.faults.AbortingExchange.Kind;
import dev.h3servlet.servlet.Http3ServletServer;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.Await;
import dev.h3servlet.test.NettyHttp3Client;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * QUIC peers that disappear without closing (their datagrams stop, no CONNECTION_CLOSE ever arrives: a crashed host,
 * a dropped NAT binding) are reclaimed by the idle timeout: the server's open connections go back to 0 within the
 * idle timeout and a margin (all at once: the test waits for the last one), a servlet blocked reading an upload of a vanished peer gets an {@code IOException}, no
 * buffer leaks, and the server goes on serving. Each peer is a Netty HTTP/3 client behind its own {@link UdpRelay},
 * which vanishes.
 */
@Tag(TestTransport.BOTH)
class VanishedPeersTests {

	private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);

	/**
	 * Beyond the idle timeout: the connector's {@code SilentPeerReaper} closes a silent connection within a quarter of
	 * the idle timeout more, then quiche keeps it for its closing period (three probe timeouts, grown while the server
	 * retransmitted to a peer that is gone: 1 to 5 s measured here) before Jetty lets it go. Without the reaper,
	 * Jetty 12.1.5 took 6 to 23 s for these eight peers.
	 */
	private static final Duration MARGIN = Duration.ofSeconds(10);

	private static final int IDLE_PEERS = 4;

	private static final int UPLOADING_PEERS = 4;

	private static final Duration WAIT = Duration.ofSeconds(20);

	static final ArrayByteBufferPool.Tracking pool = new ArrayByteBufferPool.Tracking();

	static final AbortRecordingServlet servlet = new AbortRecordingServlet();

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder.byteBufferPool(pool)
		.http3(TestTransport.settings().idleTimeout(IDLE_TIMEOUT).build())
		.servlet("/abort/*", servlet)
		.servlet("/hello", new AbortedStreamsTests.HelloServlet()));

	@Test
	void vanishedPeersAreReclaimedByTheIdleTimeout() throws Exception {
		Http3Connector connector = Http3ServletServer.http3Connector(server.server());
		Http3ConnectorStatistics statistics = connector.getStatistics();
		InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.http3Port());
		int peers = IDLE_PEERS + UPLOADING_PEERS;
		List<UdpRelay> relays = new ArrayList<>();
		List<NettyHttp3Client> clients = new ArrayList<>();
		ExecutorService executor = Executors.newFixedThreadPool(peers);
		try {
			for (int i = 0; i < peers; i++) {
				relays.add(new UdpRelay(address));
			}
			// In parallel, so that every peer's last packet is recent when they all vanish.
			List<CompletableFuture<NettyHttp3Client>> connecting = new ArrayList<>();
			for (UdpRelay relay : relays) {
				connecting.add(CompletableFuture.supplyAsync(() -> connect(relay), executor));
			}
			for (CompletableFuture<NettyHttp3Client> client : connecting) {
				clients.add(client.get(WAIT.toSeconds(), TimeUnit.SECONDS));
			}
			List<CompletableFuture<?>> started = new ArrayList<>();
			for (int i = 0; i < peers; i++) {
				NettyHttp3Client client = clients.get(i);
				if (i < IDLE_PEERS) {
					started.add(client.sendAsync(NettyHttp3Client.Request.get("/hello")).thenAccept((response) -> {
						assertThat(response.status()).isEqualTo(200);
						assertThat(response.bodyAsString()).isEqualTo("hello over HTTP/3.0");
					}));
				}
				else {
					started.add(AbortingExchange.start(client.quicChannel(), Kind.STALLED_UPLOAD, "/abort/upload",
							"v" + i, "127.0.0.1:" + server.http3Port()).responded);
				}
			}
			CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(clients).allSatisfy((client) -> assertThat(client.applicationProtocol()).isEqualTo("h3"));
			assertThat(statistics.getOpenConnections()).as("%s", statistics).isEqualTo(peers);
			// An answered request's stream is counted until the server side closes it, which the client's reading
			// of the response can overtake by a moment.
			boolean onlyUploadsActive = await(() -> statistics.getActiveStreams() == UPLOADING_PEERS,
					Duration.ofSeconds(5));
			assertThat(onlyUploadsActive).as("only the %d uploads active: %s", UPLOADING_PEERS, statistics).isTrue();
			assertThat(servlet.active).hasValue(UPLOADING_PEERS);

			long vanished = System.nanoTime();
			for (UdpRelay relay : relays) {
				relay.vanish();
			}
			await(() -> statistics.getOpenConnections() == 0, WAIT);
			Duration reclaim = Duration.ofNanos(System.nanoTime() - vanished);
			boolean reclaimed = reclaim.compareTo(IDLE_TIMEOUT.plus(MARGIN)) <= 0;
			boolean servletsEnded = await(() -> servlet.active.get() == 0, WAIT);
			boolean noLeaks = await(() -> pool.getLeaks().isEmpty(), WAIT);
			Map<String, Integer> outcomes = new TreeMap<>();
			servlet.outcomes.values().forEach((outcome) -> outcomes.merge(outcome, 1, Integer::sum));
			System.out.printf("Vanished peers: %d (%d idle, %d uploading); open connections 0 after %d ms (idle "
					+ "timeout %d ms); servlet outcomes %s; leaked buffers %d; %s%n", peers, IDLE_PEERS,
					UPLOADING_PEERS, reclaim.toMillis(), IDLE_TIMEOUT.toMillis(), outcomes, pool.getLeaks().size(),
					statistics);

			assertThat(reclaimed).as("connections reclaimed within %s + %s: %s", IDLE_TIMEOUT, MARGIN, statistics)
				.isTrue();
			assertThat(statistics.getActiveStreams()).isZero();
			assertThat(servletsEnded).as("servlets blocked reading a vanished peer's upload ended").isTrue();
			assertThat(servlet.outcomes).hasSize(UPLOADING_PEERS);
			assertThat(servlet.outcomes.values()).allSatisfy((outcome) -> assertThat(outcome)
				.isNotEqualTo(AbortRecordingServlet.COMPLETED)
				.doesNotEndWith(AbortRecordingServlet.NOT_IO));
			assertThat(noLeaks).as("no leaked buffers:%n%s", pool.getLeaks().isEmpty() ? "" : pool.dumpLeaks())
				.isTrue();

			try (NettyHttp3Client client = connect(null)) {
				NettyHttp3Client.Response response = client.send(NettyHttp3Client.Request.get("/hello"));
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.bodyAsString()).isEqualTo("hello over HTTP/3.0");
			}
		}
		finally {
			executor.shutdownNow();
			for (UdpRelay relay : relays) {
				relay.close();
			}
			for (NettyHttp3Client client : clients) {
				closeQuietly(client);
			}
		}
	}

	/** Connects through the relay, or straight to the server if there is none. */
	private static NettyHttp3Client connect(UdpRelay relay) {
		InetSocketAddress target = (relay != null) ? relay.address()
				: new InetSocketAddress("127.0.0.1", server.http3Port());
		try {
			return NettyHttp3Client.connect(target, server.certificate().certificate(), Duration.ofSeconds(10));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not connect to " + target, ex);
		}
	}

	/** The client's CONNECTION_CLOSE goes to a relay that is gone: it may fail, which is what the test is about. */
	private static void closeQuietly(NettyHttp3Client client) {
		try {
			client.close();
		}
		catch (IOException ex) {
			System.out.println("Closing a vanished client: " + ex);
		}
	}

	private static boolean await(BooleanSupplier condition, Duration limit) throws InterruptedException {
		return Await.until(condition, limit);
	}

}
