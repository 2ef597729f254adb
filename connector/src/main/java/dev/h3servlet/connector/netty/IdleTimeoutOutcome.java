package dev.h3servlet.connector.netty;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.server.HttpChannel;

/**
 * What Jetty's {@link HttpChannel#onIdleTimeout(TimeoutException)} answers, on every Jetty 12. The call changed
 * between 12.0 and 12.1: 12.1 answers a record with the task and whether a handler holds the request; 12.0 answers
 * the task, and {@code isRequestHandled()} says the rest. This transport is compiled against 12.1 and runs on
 * both, so the 12.0 call is made through a method handle.
 *
 * @param action what Jetty wants run (on its pool), or {@code null}
 * @param handlingRequest whether a handler holds the request: if so the stream stays, else it timed out
 */
record IdleTimeoutOutcome(Runnable action, boolean handlingRequest) {

	/** The 12.0 calls, or {@code null} on Jetty 12.1 and later. */
	private static final MethodHandle[] JETTY_12_0 = findJetty120Calls();

	/**
	 * Tells the channel its stream has been idle too long.
	 * @param channel the request's channel
	 * @param timeout the timeout
	 * @return what Jetty answered
	 */
	static IdleTimeoutOutcome of(HttpChannel channel, TimeoutException timeout) {
		if (JETTY_12_0 == null) {
			return Jetty121.of(channel, timeout);
		}
		try {
			Runnable action = (Runnable) JETTY_12_0[0].invoke(channel, timeout);
			boolean handled = (boolean) JETTY_12_0[1].invoke(channel);
			return new IdleTimeoutOutcome(action, handled);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException("Jetty 12.0's HttpChannel.onIdleTimeout failed", ex);
		}
	}

	private static MethodHandle[] findJetty120Calls() {
		MethodHandles.Lookup lookup = MethodHandles.publicLookup();
		try {
			return new MethodHandle[] {
					lookup.findVirtual(HttpChannel.class, "onIdleTimeout",
							MethodType.methodType(Runnable.class, TimeoutException.class)),
					lookup.findVirtual(HttpChannel.class, "isRequestHandled", MethodType.methodType(boolean.class)) };
		}
		catch (NoSuchMethodException | IllegalAccessException ex) {
			return null;
		}
	}

	/** The 12.1 call, in a class of its own: loaded only where 12.1's types exist. */
	private static final class Jetty121 {

		static IdleTimeoutOutcome of(HttpChannel channel, TimeoutException timeout) {
			HttpChannel.IdleTimeoutTask task = channel.onIdleTimeout(timeout);
			return new IdleTimeoutOutcome(task.action(), task.handlingRequest());
		}

	}

}
