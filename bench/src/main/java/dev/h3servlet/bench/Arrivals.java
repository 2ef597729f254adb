package dev.h3servlet.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import dev.h3servlet.bench.Load.Protocol;
import dev.h3servlet.bench.MixedLoad.Kind;
import dev.h3servlet.bench.MixedLoad.Outcome;
import dev.h3servlet.bench.MixedLoad.Sender;
import dev.h3servlet.bench.MixedLoad.Tally;

/**
 * Open-loop arrivals ({@link MixedLoad#arrivals}): for each protocol, requests at a fixed rate, paced by the clock
 * (the {@code k}-th at {@code start + k / rate}) on one thread whether or not earlier ones were answered, for a fixed
 * time. At most a bounded number are outstanding; an arrival beyond that, or one the pacer could not send within half
 * a second of its time, is counted as not offered. Every outcome lands in the protocol's {@link Tally}.
 */
final class Arrivals {

	/** The longest the pacer may lag behind an arrival's time before it drops it as not offered. */
	private static final long MAX_LAG_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	final Map<Protocol, Tally> tallies = new EnumMap<>(Protocol.class);

	private final Map<Protocol, Sender> senders;

	private final Map<Protocol, Double> perSecond;

	private final long millis;

	private final int maxInFlight;

	private final Semaphore inFlight;

	private final Thread thread;

	private volatile long startNanos;

	private volatile long endNanos;

	private volatile long lastEndedNanos;

	Arrivals(Map<Protocol, Sender> senders, Map<Protocol, Double> perSecond, long millis, int maxInFlight) {
		this.senders = senders;
		this.perSecond = perSecond;
		this.millis = millis;
		this.maxInFlight = maxInFlight;
		this.inFlight = new Semaphore(maxInFlight);
		perSecond.keySet().forEach((protocol) -> this.tallies.put(protocol, new Tally()));
		this.thread = new Thread(this::pace, "bench-arrivals");
		this.thread.setDaemon(true);
	}

	/** Starts the pacing thread; it stops by itself after its time. */
	void start() {
		this.thread.start();
	}

	private void pace() {
		List<Protocol> protocols = new ArrayList<>(this.perSecond.keySet());
		long[] issued = new long[protocols.size()];
		long start = System.nanoTime();
		this.startNanos = start;
		long end = start + TimeUnit.MILLISECONDS.toNanos(this.millis);
		for (long now = start; now < end; now = System.nanoTime()) {
			for (int p = 0; p < protocols.size(); p++) {
				Protocol protocol = protocols.get(p);
				double rate = this.perSecond.get(protocol);
				long due = (long) ((now - start) / 1e9 * rate);
				for (; issued[p] < due; issued[p]++) {
					long scheduled = start + (long) (issued[p] * 1e9 / rate);
					if (now - scheduled > MAX_LAG_NANOS) {
						notOffered(protocol, scheduled, "the pacer was more than 0.5 s late");
					}
					else {
						offer(protocol, MixedLoad.path(issued[p]), scheduled);
					}
				}
			}
			LockSupport.parkNanos(200_000);
		}
		this.endNanos = System.nanoTime();
	}

	private void offer(Protocol protocol, String path, long scheduled) {
		Tally tally = this.tallies.get(protocol);
		if (!this.inFlight.tryAcquire()) {
			notOffered(protocol, scheduled, this.maxInFlight + " requests in flight (the generator's bound)");
			return;
		}
		AtomicBoolean once = new AtomicBoolean();
		this.senders.get(protocol).send(path, scheduled, (outcome) -> {
			if (once.compareAndSet(false, true)) {
				tally.add(outcome);
				this.lastEndedNanos = System.nanoTime();
				this.inFlight.release();
			}
		});
	}

	private void notOffered(Protocol protocol, long scheduled, String why) {
		this.tallies.get(protocol).add(new Outcome(Kind.NOT_OFFERED, why, System.nanoTime() - scheduled));
	}

	/** Requests sent and not yet ended. */
	int inFlight() {
		return this.maxInFlight - this.inFlight.availablePermits();
	}

	boolean arriving() {
		return this.thread.isAlive();
	}

	/** When the first arrival was due ({@link System#nanoTime()}). */
	long startNanos() {
		return this.startNanos;
	}

	/** When the last arrival was due; 0 while arriving. */
	long endNanos() {
		return this.endNanos;
	}

	/** When the last request sent so far ended ({@link System#nanoTime()}); 0 before any did. */
	long lastEndedNanos() {
		return this.lastEndedNanos;
	}

	/** Waits for the pacer to stop (it stops by itself after its time). */
	void awaitArrivalsEnd() throws InterruptedException {
		this.thread.join(this.millis + 30_000);
		Load.check(!this.thread.isAlive(), () -> "the arrivals did not stop in time");
	}

	/**
	 * Waits, at most {@code millis}, until every request sent has ended (each is bounded by the request timeout):
	 * whether all did.
	 */
	boolean awaitOutstanding(long millis) throws InterruptedException {
		if (this.inFlight.tryAcquire(this.maxInFlight, millis, TimeUnit.MILLISECONDS)) {
			this.inFlight.release(this.maxInFlight);
			return true;
		}
		return false;
	}

	/** One line: per protocol, outcomes so far. */
	String summary() {
		StringBuilder text = new StringBuilder();
		this.tallies.forEach((protocol, tally) -> text.append(String.format(Locale.ROOT,
				"%s %,d ok %,d failed; ", protocol.label, tally.count(Kind.OK), tally.failures())));
		return text.append(String.format(Locale.ROOT, "%,d in flight", inFlight())).toString();
	}

}
