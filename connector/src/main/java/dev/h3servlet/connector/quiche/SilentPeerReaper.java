package dev.h3servlet.connector.quiche;

import java.net.SocketAddress;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.quic.api.Session;
import org.eclipse.jetty.quic.api.frames.ConnectionCloseFrame;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes QUIC connections whose peer has sent nothing for the idle timeout, as RFC 9000 (section 10.1) defines it:
 * the idle timer restarts when a packet from the peer is received. The reaper closes such a connection (H3_NO_ERROR,
 * failing its requests' reads and writes) within the idle timeout and a quarter of it.
 * <p>
 * See docs/workarounds/jetty-quic-idle-timer-restarts-on-send.md for the Jetty behaviour this works around, with its
 * reproducer.
 */
final class SilentPeerReaper {

	private static final Logger logger = LoggerFactory.getLogger(SilentPeerReaper.class);

	/** HTTP/3's application error code for a connection closed without error. */
	private static final long H3_NO_ERROR = 0x100;

	private static final long MIN_SWEEP_MILLIS = 50;

	private static final long MAX_SWEEP_MILLIS = 5_000;

	private final Map<SocketAddress, Long> lastReceived = new ConcurrentHashMap<>();

	/** Sessions closed once already: disconnected outright at the next sweep if they are still there. */
	private final Set<Session> closed = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	private final QuicheStatistics statistics;

	private volatile long idleTimeoutMillis;

	private volatile long sweepMillis;

	private volatile Scheduler scheduler;

	SilentPeerReaper(QuicheStatistics statistics) {
		this.statistics = statistics;
	}

	/** Notes a datagram from a peer. */
	void received(SocketAddress peer) {
		if (this.scheduler != null) {
			this.lastReceived.put(peer, System.nanoTime());
		}
	}

	/** Starts sweeping, unless the idle timeout is not positive (no idle timeout). */
	void start(Scheduler scheduler, long idleTimeoutMillis) {
		this.idleTimeoutMillis = idleTimeoutMillis;
		this.sweepMillis = Math.min(MAX_SWEEP_MILLIS, Math.max(MIN_SWEEP_MILLIS, idleTimeoutMillis / 4));
		if (idleTimeoutMillis > 0) {
			this.scheduler = scheduler;
			schedule();
		}
	}

	void stop() {
		this.scheduler = null;
		this.lastReceived.clear();
	}

	private void schedule() {
		Scheduler scheduler = this.scheduler;
		if (scheduler == null) {
			return;
		}
		try {
			scheduler.schedule(this::sweep, this.sweepMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			logger.debug("HTTP/3 idle sweep not scheduled: stopping", ex);
		}
	}

	private void sweep() {
		if (this.scheduler == null) {
			return;
		}
		try {
			long now = System.nanoTime();
			long idleNanos = TimeUnit.MILLISECONDS.toNanos(this.idleTimeoutMillis);
			Set<SocketAddress> peers = new HashSet<>();
			for (Session session : this.statistics.openSessions()) {
				SocketAddress peer = session.getRemoteSocketAddress();
				peers.add(peer);
				Long last = this.lastReceived.get(peer);
				if (last != null && now - last > idleNanos) {
					reap(session, TimeUnit.NANOSECONDS.toMillis(now - last));
				}
			}
			this.lastReceived.entrySet().removeIf((entry) -> !peers.contains(entry.getKey())
					&& now - entry.getValue() > idleNanos);
		}
		catch (RuntimeException ex) {
			logger.warn("HTTP/3 idle sweep failed", ex);
		}
		finally {
			schedule();
		}
	}

	private void reap(Session session, long silentMillis) {
		ConnectionCloseFrame frame = new ConnectionCloseFrame(H3_NO_ERROR, "idle_timeout");
		if (this.closed.add(session)) {
			logger.debug("Closing QUIC connection {}: nothing received from {} for {} ms", session,
					session.getRemoteSocketAddress(), silentMillis);
			session.close(frame, Promise.Invocable.noop());
		}
		else {
			session.disconnect(frame, new TimeoutException("Idle timeout " + this.idleTimeoutMillis
					+ " ms elapsed: nothing received for " + silentMillis + " ms"), Promise.Invocable.noop());
		}
	}

}
