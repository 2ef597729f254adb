package dev.h3servlet.it.support;

import dev.h3servlet.test.Chromium;
import org.junit.jupiter.api.Assumptions;

/**
 * The JUnit side of {@link Chromium}: a test that needs the browser is skipped where it is not installed, and fails
 * instead under {@code CI=true}, where it must be.
 */
public final class ChromiumAssumptions {

	private ChromiumAssumptions() {
	}

	/** Skips the calling test (JUnit assumption) when Chromium is not installed; fails instead under CI=true. */
	public static void assumeInstalled() {
		if (!Chromium.isInstalled() && "true".equals(System.getenv("CI"))) {
			// CI installs it (.ci/run): a skip there would let the proof with a real browser silently vanish.
			throw new IllegalStateException("CI=true but " + Chromium.NOT_INSTALLED);
		}
		Assumptions.assumeTrue(Chromium.isInstalled(), Chromium.NOT_INSTALLED + ", to run the Chromium HTTP/3 tests");
	}

}
