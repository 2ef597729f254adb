package dev.h3servlet.servlet;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3ConnectorStatistics;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.webtransport.WebTransportHandler;
import dev.h3servlet.connector.webtransport.WebTransportSession;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.Await;
import dev.h3servlet.test.WebTransportClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code webTransportDatagramQueue} bounds the datagrams a session's handler has not taken yet: while the handler is
 * stuck, what comes beyond the queue is dropped and counted in the connector's statistics, with the open sessions; a
 * datagram for no session is counted too; once the handler goes on, datagrams flow again.
 */
@Timeout(60)
class WebTransportDatagramQueueTests {

	private static final int QUEUE = 4;

	private static final int SENT = 40;

	private static final CountDownLatch stuck = new CountDownLatch(1);

	private static final AtomicInteger handled = new AtomicInteger();

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder
		.http3(Http3Settings.builder().webTransportEnabled(true).webTransportDatagramQueue(QUEUE).build())
		.webTransport("/stuck", (request) -> new StuckOnDatagrams()));

	@Test
	void datagramsBeyondTheQueueAreDroppedAndCounted() throws Exception {
		Http3ConnectorStatistics statistics = statistics();
		try (WebTransportClient client = WebTransportClient.open(
				new InetSocketAddress("127.0.0.1", server.http3Port()), server.certificate().certificate(), "/stuck",
				Duration.ofSeconds(30))) {
			assertThat(await(() -> statistics.getWebTransportSessions() == 1)).as("%s", statistics).isTrue();
			for (int i = 0; i < SENT; i++) {
				client.sendDatagram(("datagram " + i).getBytes());
				Thread.sleep(2);
			}
			assertThat(await(() -> statistics.getWebTransportDatagramsDropped() >= SENT - QUEUE - 4))
				.as("dropped while the handler is stuck: %s", statistics)
				.isTrue();
			assertThat(handled.get()).as("handed to the stuck handler").isEqualTo(QUEUE);
			long droppedWhileStuck = statistics.getWebTransportDatagramsDropped();
			assertThat(droppedWhileStuck).isLessThanOrEqualTo(SENT - QUEUE);

			client.sendDatagram(1000, "for no session".getBytes());
			assertThat(await(() -> statistics.getWebTransportDatagramsDropped() == droppedWhileStuck + 1)).isTrue();

			stuck.countDown();
			client.sendDatagram("after".getBytes());
			byte[] echoed = client.receiveDatagram(Duration.ofSeconds(5));
			assertThat(echoed).isNotNull();
			assertThat(new String(echoed)).isEqualTo("after");
			assertThat(handled.get()).isEqualTo(QUEUE + 1);
		}
		assertThat(await(() -> statistics.getWebTransportSessions() == 0)).as("%s", statistics).isTrue();
	}

	private static Http3ConnectorStatistics statistics() {
		return Arrays.stream(server.server().getConnectors())
			.filter(Http3Connector.class::isInstance)
			.map((connector) -> ((Http3Connector) connector).getStatistics())
			.findFirst()
			.orElseThrow();
	}

	private static boolean await(BooleanSupplier condition) throws InterruptedException {
		return Await.until(condition, Duration.ofSeconds(10));
	}

	/** Each onDatagram blocks until the test lets it go; a datagram that says "after" is echoed. */
	static final class StuckOnDatagrams implements WebTransportHandler {

		@Override
		public void onOpen(WebTransportSession session) {
		}

		@Override
		public void onDatagram(WebTransportSession session, ByteBuffer datagram) throws InterruptedException {
			handled.incrementAndGet();
			stuck.await(30, TimeUnit.SECONDS);
			if ("after".equals(StandardCharsets.UTF_8.decode(datagram.duplicate()).toString())) {
				session.sendDatagram(datagram);
			}
		}

	}

}
