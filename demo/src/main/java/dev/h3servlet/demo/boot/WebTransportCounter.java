package dev.h3servlet.demo.boot;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.h3servlet.connector.webtransport.WebTransportHandler;
import dev.h3servlet.connector.webtransport.WebTransportSession;
import dev.h3servlet.servlet.WebTransportEndpoint;
import jakarta.annotation.PreDestroy;

import org.springframework.stereotype.Component;

/**
 * A live counter over WebTransport datagrams: every 100 ms each open session gets a datagram with the next number.
 * Datagrams are unreliable, so the page may see gaps.
 */
@Component
@WebTransportEndpoint("/webtransport/counter")
public class WebTransportCounter implements WebTransportHandler {

	private static final long PERIOD_MILLIS = 100;

	private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "webtransport-counter");
		thread.setDaemon(true);
		return thread;
	});

	private final Map<Long, ScheduledFuture<?>> sessions = new ConcurrentHashMap<>();

	@Override
	public void onOpen(WebTransportSession session) {
		AtomicLong count = new AtomicLong();
		this.sessions.put(session.id(), this.ticks.scheduleAtFixedRate(() -> session.sendDatagram(
				ByteBuffer.wrap(Long.toString(count.incrementAndGet()).getBytes(StandardCharsets.US_ASCII))),
				PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS));
	}

	@Override
	public void onClose(WebTransportSession session, long code, String reason) {
		ScheduledFuture<?> tick = this.sessions.remove(session.id());
		if (tick != null) {
			tick.cancel(false);
		}
	}

	@PreDestroy
	void stop() {
		this.ticks.shutdownNow();
	}

}
