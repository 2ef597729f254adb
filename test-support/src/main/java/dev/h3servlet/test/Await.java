package dev.h3servlet.test;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits, bounded, for a condition that another thread or process makes true. */
public final class Await {

	private Await() {
	}

	/**
	 * Checks the condition every 10 ms until it holds or the wait is over.
	 * @return whether it held within the wait
	 */
	public static boolean until(BooleanSupplier condition, Duration wait) throws InterruptedException {
		long deadline = System.nanoTime() + wait.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			Thread.sleep(10);
		}
		return true;
	}

}
