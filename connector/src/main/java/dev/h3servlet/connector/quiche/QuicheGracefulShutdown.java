package dev.h3servlet.connector.quiche;

import java.util.EventListener;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.eclipse.jetty.quic.api.Session;
import org.eclipse.jetty.quic.api.frames.ConnectionCloseFrame;
import org.eclipse.jetty.quic.common.SessionContainer;
import org.eclipse.jetty.quic.util.ErrorCode;
import org.eclipse.jetty.util.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a graceful shutdown that Jetty's QUIC connector leaves out: refusing connections opened once it began,
 * and letting the connections that were sent GOAWAY end before the connector closes them.
 */
final class QuicheGracefulShutdown {

	private static final Logger logger = LoggerFactory.getLogger(QuicheGracefulShutdown.class);

	private QuicheGracefulShutdown() {
	}

	/** Whether Jetty's session container has sent GOAWAY to every QUIC session. */
	static boolean isShuttingDown(SessionContainer sessions) {
		return sessions != null && sessions.isShutdown();
	}

	/**
	 * When a graceful shutdown is under way, gives the QUIC connections that were sent GOAWAY up to {@code timeout}
	 * milliseconds to end before the connector closes them, so that the responses they carry reach the client. Jetty
	 * ends a connection once the client, having read its last response, answered the GOAWAY with its own. See
	 * docs/workarounds/jetty-quic-stop-closes-goaway-connections.md for the Jetty behaviour this works around, with its
	 * reproducer.
	 */
	static void awaitClose(SessionContainer sessions, long timeout) throws InterruptedException {
		if (sessions == null || !sessions.isShutdown() || sessions.isEmpty() || timeout <= 0) {
			return;
		}
		try {
			sessions.shutdown().get(timeout, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			logger.debug("HTTP/3 graceful close failed", ex);
		}
		catch (TimeoutException ex) {
			logger.info("HTTP/3: {} QUIC connection(s) still open {} ms after GOAWAY; closing them", sessions.getSize(),
					timeout);
		}
	}

	/**
	 * A listener that refuses QUIC connections opened after a graceful shutdown began: it closes them with
	 * CONNECTION_REFUSED, so that new requests are refused while those in flight on older connections complete. See
	 * docs/workarounds/jetty-quic-graceful-goaway-to-new-connections.md for the Jetty behaviour this works around, with
	 * its reproducer.
	 */
	static EventListener refuseWhen(BooleanSupplier shuttingDown) {
		return new RefuseWhenShutDown(shuttingDown);
	}

	private record RefuseWhenShutDown(BooleanSupplier shuttingDown) implements Session.Listener, EventListener {

		@Override
		public void onOpen(Session session) {
			if (this.shuttingDown.getAsBoolean()) {
				logger.debug("Refusing QUIC connection {} from {}: shutting down", session,
						session.getRemoteSocketAddress());
				session.disconnect(new ConnectionCloseFrame(ErrorCode.CONNECTION_REFUSED_ERROR.code(), "shutting_down"),
						null, Promise.Invocable.noop());
			}
		}

	}

}
