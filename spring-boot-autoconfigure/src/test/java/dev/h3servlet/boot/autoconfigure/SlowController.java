package dev.h3servlet.boot.autoconfigure;

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
public class SlowController {

	/** Counted down when a {@code /slow} request is in the app. */
	public static volatile CountDownLatch entered;

	/** Lets the {@code /slow} requests in the app answer. */
	public static volatile CountDownLatch release;

	private static final long MAX_WAIT_SECONDS = 60;

	@GetMapping("/slow")
	public String slow(HttpServletRequest request) throws InterruptedException {
		entered.countDown();
		if (!release.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS)) {
			throw new IllegalStateException("not released within " + MAX_WAIT_SECONDS + " s");
		}
		return "slow over " + request.getProtocol();
	}

	@GetMapping("/fast")
	public String fast() {
		return "fast";
	}

}
