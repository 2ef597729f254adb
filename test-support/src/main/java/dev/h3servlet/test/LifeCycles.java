package dev.h3servlet.test;

import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Stops what a test started (servers, clients), all of them even when some fail to stop.
 */
public final class LifeCycles {

	private LifeCycles() {
	}

	/**
	 * Stops each of the life cycles (nulls are skipped), then throws the first failure, the others suppressed in it.
	 * @param lifeCycles what to stop
	 * @throws Exception the first failure to stop
	 */
	public static void stopAll(LifeCycle... lifeCycles) throws Exception {
		Exception failure = null;
		for (LifeCycle lifeCycle : lifeCycles) {
			try {
				if (lifeCycle != null) {
					lifeCycle.stop();
				}
			}
			catch (Exception ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
