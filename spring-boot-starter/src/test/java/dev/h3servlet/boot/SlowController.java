package dev.h3servlet.boot;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A controller whose {@code /slow} request stays in flight until the test releases it: tests set
 * {@link #entered} and {@link #release} before sending it, and wait on {@code entered} to know it is in the app.
 */
@RestController
class SlowController {

	static volatile CountDownLatch entered;

	static volatile CountDownLatch release;

	private static final long MAX_WAIT_SECONDS = 60;

	@GetMapping("/slow")
	String slow(HttpServletRequest request) throws InterruptedException {
		entered.countDown();
		if (!release.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS)) {
			throw new IllegalStateException("not released within " + MAX_WAIT_SECONDS + " s");
		}
		return "slow over " + request.getProtocol();
	}

	@GetMapping("/fast")
	String fast() {
		return "fast";
	}

}
